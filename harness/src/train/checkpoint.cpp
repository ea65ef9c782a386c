#include "train/checkpoint.hpp"

#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <stdexcept>

namespace gcbench {

void save_checkpoint(Network& network, const std::filesystem::path& file) {
  torch::serialize::OutputArchive archive, embedding, head;
  network.embedding->save(embedding);
  network.head->save(head);
  archive.write("embedding", embedding);
  archive.write("head", head);
  std::filesystem::create_directories(file.parent_path());
  const auto partial = file.string() + ".partial";  // a kill mid-save never leaves a torn final file
  archive.save_to(partial);
  std::filesystem::rename(partial, file);
}

void load_checkpoint(Network& network, const std::filesystem::path& file) {
  if (!std::filesystem::exists(file)) {
    throw std::runtime_error(file.string() +
                             ": no such checkpoint; training.from_checkpoint must name a final.pt "
                             "that gcbench saved");
  }
  try {
    torch::serialize::InputArchive archive, embedding, head;
    archive.load_from(file.string());
    archive.read("embedding", embedding);
    archive.read("head", head);
    network.embedding->load(embedding);
    network.head->load(head);
  } catch (const std::exception& error) {
    throw std::runtime_error(file.string() + ": does not fit this architecture and its options (" + error.what() +
                             "); use the suite settings it was saved with");
  }
}

}  // namespace gcbench
