// Saving and restoring a network's f + g state (parameters and batch-norm buffers).
#pragma once

#include <filesystem>

#include "gcbench/sdk/architecture.hpp"

namespace gcbench {

void save_checkpoint(Network& network, const std::filesystem::path& file);

// The network must come from the same architecture and options; throws
// std::runtime_error naming the file when it does not match or cannot be read.
void load_checkpoint(Network& network, const std::filesystem::path& file);

}  // namespace gcbench
