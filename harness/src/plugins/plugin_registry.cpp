#include "plugins/plugin_registry.hpp"

#include <fmt/format.h>
#include <boost/dll/library_info.hpp>
#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>

#include <dlfcn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <regex>
#include <sstream>
#include <thread>

#include "gcbench/plugin.hpp"
#include "util/child_process.hpp"
#include "util/file_digest.hpp"
#include "util/util_error.hpp"

namespace gcbench {
namespace fs = std::filesystem;
namespace dll = boost::dll;

std::vector<fs::path> default_plugin_folders() {
  std::vector<fs::path> folders;
  const fs::path exe_dir = dll::program_location().parent_path();
  std::error_code ec;
  for (const auto& built_in :
       {exe_dir / "plugins", exe_dir.parent_path() / "lib" / "gcbench" / "plugins"}) {  // build, install tree
    if (fs::is_directory(built_in, ec)) folders.push_back(built_in);
  }
  if (const char* env = std::getenv("GCBENCH_PLUGIN_PATH")) {
    std::stringstream paths(env);
    for (std::string folder; std::getline(paths, folder, ':');) {
      if (!folder.empty()) folders.emplace_back(folder);
    }
  }
  return folders;
}

bool looks_like_plugin_file(const fs::path& file) {
  const std::string name = file.filename().string();
  if (file.extension() != ".so") return false;
  for (const auto kind : {PluginKind::architecture, PluginKind::dataset, PluginKind::gc_estimator}) {
    const std::string prefix = "gcbench_" + std::string(to_string(kind)) + "_";
    if (name.rfind(prefix, 0) == 0 && name.size() > prefix.size() + 3) return true;
  }
  return false;
}

namespace {

// Whether a library's dynamic symbol table names gcbench's entry points, read
// from the file without loading it (loading runs its constructors).
bool exports_plugin_symbols(const fs::path& file) {
  try {
    dll::library_info info(file, /*throw_if_not_native=*/false);
    const auto symbols = info.symbols();
    return std::find(symbols.begin(), symbols.end(), plugin_abi::kInfoSymbol) != symbols.end();
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

PluginRegistry PluginRegistry::discover(const std::vector<fs::path>& folders) {
  PluginRegistry registry;
  for (const auto& folder : folders) {
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) {
      registry.warnings_.push_back(
          fmt::format("plugin folder {} does not exist; no plugins are loaded from it (check "
                      "GCBENCH_PLUGIN_PATH, --plugin-path or suite.plugin_paths)",
                      folder.string()));
      continue;
    }
    registry.folders_.push_back(folder);
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
      if (!entry.is_regular_file()) continue;
      if (looks_like_plugin_file(entry.path())) {
        // By absolute path: a plugin that finds its own files beside itself (plugin_data_folder) gets a
        // path that still holds when the working folder changes, and records name it whole.
        files.push_back(fs::absolute(entry.path()));
      } else if (entry.path().extension() == ".so" && exports_plugin_symbols(entry.path())) {
        registry.warnings_.push_back(fmt::format(
            "{} exports gcbench plugin entry points but is skipped: plugin files are named "
            "gcbench_<kind>_<name>.so (kind: architecture, dataset or gc_estimator); gcbench_add_plugin() names them so",
            entry.path().string()));
      }
    }
    std::sort(files.begin(), files.end());  // the same order on every machine
    for (const auto& file : files) {
      try {
        registry.load(file);
      } catch (const PluginError& error) {
        registry.rejected_.push_back({file, error.what()});
      }
    }
  }
  return registry;
}

namespace {

// What dlopen says about a library it cannot load (an undefined symbol, a wrong
// architecture, not a library at all); Boost.DLL keeps only an errno text.
std::string dlopen_reason(const fs::path& file) {
  ::dlerror();
  void* handle = ::dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle) {
    ::dlclose(handle);
    return "it loads when tried again";
  }
  const char* reason = ::dlerror();
  return reason ? reason : "no reason given";
}

std::string major_minor(const std::string& version) {
  const auto first = version.find('.');
  return first == std::string::npos ? version : version.substr(0, version.find('.', first + 1));
}

// The build a plugin file declares in its GCBENCH_DETAIL_BUILD_MARKER text, read
// without loading it; none for a file without one (a plugin of an SDK before the marker).
struct DeclaredBuild {
  int abi_version = 0;
  std::string libtorch_version;
  int cxx11_abi = 0;
};
std::optional<DeclaredBuild> declared_build(const std::string& bytes) {
  static const std::regex marker("gcbench-plugin-build;abi=(-?[0-9]{1,9});libtorch=([^;\\x00]{0,64});cxx11_abi=([01]);");
  const auto start = bytes.find("gcbench-plugin-build;");
  if (start == std::string::npos) return std::nullopt;
  std::smatch match;
  const std::string text = bytes.substr(start, bytes.find('\0', start) - start);
  if (!std::regex_match(text, match, marker)) return std::nullopt;
  return DeclaredBuild{std::stoi(match[1].str()), match[2].str(), std::stoi(match[3].str())};
}

void check_abi_version(const fs::path& file, int abi) {
  if (abi != kAbiVersion) {
    throw PluginError(
        fmt::format("{}: was built for plugin ABI version {}, but this gcbench expects ABI version {}; rebuild the plugin "
                    "against this gcbench's SDK",
                    file.string(), abi, kAbiVersion));
  }
}

void check_libtorch(const fs::path& file, const std::string& plugin_torch, int cxx11_abi) {
  if (major_minor(plugin_torch) != major_minor(GCBENCH_LIBTORCH_VERSION) || cxx11_abi != GCBENCH_CXX11_ABI) {
    throw PluginError(
        fmt::format("{}: was built against LibTorch {} with _GLIBCXX_USE_CXX11_ABI={}, but this gcbench uses LibTorch {} with "
                    "_GLIBCXX_USE_CXX11_ABI={}; rebuild the plugin against the LibTorch gcbench was built with "
                    "(find_package(gcbench) finds it)",
                    file.string(), plugin_torch, cxx11_abi, GCBENCH_LIBTORCH_VERSION, GCBENCH_CXX11_ABI));
  }
}

// Loading a library runs its static initialisers, which may abort, crash or
// exit. A child process loads it first, so that such a file is refused by name
// and the rest load. The reason when loading ended the child; none when it
// loaded (or merely failed to, which the real load reports with the loader's reason).
std::optional<std::string> load_ends_process(const fs::path& file) {
  const pid_t child = ::fork();
  if (child < 0) return std::nullopt;  // no probe: the load below is the test
  if (child == 0) {
    void* handle = ::dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
    ::_exit(handle ? 0 : 1);  // _exit: nothing of this copy of the parent runs on
  }
  constexpr auto kPatience = std::chrono::seconds(60);
  const auto start = std::chrono::steady_clock::now();
  int status = 0;
  for (;;) {
    const pid_t done = ::waitpid(child, &status, WNOHANG);
    if (done == child) break;
    if (done < 0 && errno != EINTR) return std::nullopt;
    if (std::chrono::steady_clock::now() - start > kPatience) {
      ::kill(child, SIGKILL);
      ::waitpid(child, &status, 0);
      return fmt::format("it had not finished loading after {} s (a static initialiser that waits forever?)", kPatience.count());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ChildExit exit;
  if (WIFSIGNALED(status)) exit.signal = WTERMSIG(status);
  if (WIFEXITED(status)) exit.exit_code = WEXITSTATUS(status);
  if (exit.exit_code && *exit.exit_code <= 1) return std::nullopt;
  return describe(exit);
}

}  // namespace

void PluginRegistry::load(const fs::path& file) {
  // Read once: for the build it declares and for the SHA-256 its records carry.
  std::ifstream in(file, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) {
    throw PluginError(fmt::format("{}: cannot be read; check its permissions", file.string()));
  }
  // A plugin of another LibTorch is refused before it is loaded, which would load that LibTorch too.
  if (const auto declared = declared_build(bytes)) {
    check_abi_version(file, declared->abi_version);
    check_libtorch(file, declared->libtorch_version, declared->cxx11_abi);
  }
  if (const auto ended = load_ends_process(file)) {
    throw PluginError(
        fmt::format("{}: loading it ended the process that tried ({}): a static initialiser of the plugin "
                    "or of a library it links fails; fix it, or move the plugin out of the plugin path",
                    file.string(), *ended));
  }
  auto library = std::make_shared<dll::shared_library>();
  boost::dll::fs::error_code ec;
  library->load(file, dll::load_mode::rtld_now | dll::load_mode::rtld_local, ec);
  if (ec) {
    throw PluginError(
        fmt::format("{}: cannot be loaded as a shared library: {}; rebuild it against this gcbench "
                    "(gcbench_add_plugin links with -Wl,--no-undefined, so a missing symbol fails at link time)",
                    file.string(), dlopen_reason(file)));
  }
  using namespace plugin_abi;
  for (const char* symbol : {kAbiVersionSymbol, kInfoSymbol, kFactorySymbol}) {
    if (!library->has(symbol)) {
      throw PluginError(
          fmt::format("{}: is not a gcbench plugin: the symbol '{}' is missing; register the plugin class with one "
                      "GCBENCH_REGISTER_* macro from <gcbench/plugin.hpp>",
                      file.string(), symbol));
    }
  }
  // Check the ABI before calling anything that passes C++ types across the boundary.
  const int abi = library->get_alias<AbiVersionFn>(kAbiVersionSymbol)();
  check_abi_version(file, abi);
  if (!library->has(kBuildSymbol)) {
    throw PluginError(fmt::format("{}: says ABI version {} but lacks the symbol '{}'; rebuild it against this gcbench's SDK",
                                  file.string(), abi, kBuildSymbol));
  }
  const BuildDescription& built = *library->get_alias<BuildFn>(kBuildSymbol)();
  const std::string plugin_torch = built.libtorch_version ? built.libtorch_version : "";
  check_libtorch(file, plugin_torch, built.cxx11_abi);
  PluginInfo info;
  try {
    info = library->get_alias<InfoFn>(kInfoSymbol)();
  } catch (const std::exception& error) {
    throw PluginError(
        fmt::format("{}: its plugin info function threw: {}; fix the plugin's info function", file.string(), error.what()));
  }
  PluginRecord record{std::move(info), file, abi, plugin_torch, sha256_of_text(bytes)};
  if (record.info.name.empty()) {
    throw PluginError(fmt::format("{}: declares an empty plugin name; set PluginInfo::name", file.string()));
  }
  const std::string expected_file = fmt::format("gcbench_{}_{}.so", to_string(record.info.kind), record.info.name);
  if (file.filename() != expected_file) {
    warnings_.push_back(fmt::format("{} holds {} plugin '{}'; gcbench_add_plugin would name it {}", file.string(),
                                    to_string(record.info.kind), record.info.name, expected_file));
  }
  for (const auto& archive : record.info.archives) {
    try {
      parse_checksum(archive.checksum, fmt::format("{}: archive {}", file.string(), archive.url));
    } catch (const UtilError& error) {
      warnings_.push_back(fmt::format("{}; `gcbench data fetch {}` will refuse it until the plugin declares one", error.what(),
                                      record.info.name));
    }
  }
  for (const auto& existing : loaded_) {
    if (existing.record.info.kind == record.info.kind && existing.record.info.name == record.info.name) {
      throw PluginError(fmt::format("{}: {} plugin '{}' is already loaded from {}; this copy is ignored", file.string(),
                                    to_string(record.info.kind), record.info.name, existing.record.file.string()));
    }
  }
  loaded_.push_back({std::move(record), std::move(library)});
}

std::vector<PluginRecord> PluginRegistry::plugins() const {
  std::vector<PluginRecord> records;
  for (const auto& loaded : loaded_) records.push_back(loaded.record);
  return records;
}

const PluginRegistry::Loaded& PluginRegistry::find_loaded(PluginKind kind, const std::string& name) const {
  std::vector<std::string> available;
  for (const auto& loaded : loaded_) {
    if (loaded.record.info.kind != kind) continue;
    if (loaded.record.info.name == name) return loaded;
    available.push_back(loaded.record.info.name);
  }
  std::string folders;
  for (const auto& folder : folders_) folders += (folders.empty() ? "" : ", ") + folder.string();
  std::string message = fmt::format("unknown {} plugin '{}'; available {} plugins: {}", to_string(kind), name, to_string(kind),
                                    available.empty() ? "none" : fmt::format("{}", fmt::join(available, ", ")));
  message += fmt::format(" (searched: {})", folders.empty() ? "no existing folder" : folders);
  for (const auto& rejected : rejected_) message += "\n  rejected " + rejected.reason;
  throw PluginError(message);
}

const PluginRecord& PluginRegistry::find(PluginKind kind, const std::string& name) const {
  return find_loaded(kind, name).record;
}

namespace {

// Deleting a plugin object runs code that lives in its library, so the library
// is released only after the object.
template <class T>
std::shared_ptr<T> tie_to_library(std::unique_ptr<T> object, std::shared_ptr<dll::shared_library> library) {
  return std::shared_ptr<T>(object.release(), [library = std::move(library)](T* p) { delete p; });
}

template <class Factory, class... Args>
auto create_checked(const PluginRecord& record, dll::shared_library& library, Args&&... args) {
  try {
    auto object = library.get_alias<Factory>(plugin_abi::kFactorySymbol)(std::forward<Args>(args)...);
    if (!object) throw std::runtime_error("the factory returned nothing");
    return object;
  } catch (const std::exception& error) {
    throw PluginError(fmt::format("{} plugin '{}' ({}) failed to start: {}", to_string(record.info.kind), record.info.name,
                                  record.file.string(), error.what()));
  }
}

// An Architecture hands out networks whose module code lives in the plugin: each
// network's embedding keeps the library loaded too.
class LibraryBoundArchitecture : public Architecture {
 public:
  LibraryBoundArchitecture(std::shared_ptr<Architecture> inner, std::shared_ptr<dll::shared_library> library)
      : inner_(std::move(inner)), library_(std::move(library)) {}

  Network build(const ImageShape& input, std::int64_t num_classes) const override {
    Network network = inner_->build(input, num_classes);
    if (!network.embedding || network.head.is_empty()) {
      throw std::runtime_error("the architecture built a network without an embedding or a head");
    }
    using Holder = std::pair<std::shared_ptr<dll::shared_library>, std::shared_ptr<EmbeddingNet>>;
    auto holder = std::make_shared<Holder>(library_, network.embedding);
    network.embedding = std::shared_ptr<EmbeddingNet>(holder, holder->second.get());
    return network;
  }

 private:
  std::shared_ptr<Architecture> inner_;
  std::shared_ptr<dll::shared_library> library_;
};

}  // namespace

std::shared_ptr<Architecture> PluginRegistry::create_architecture(const std::string& name, const Options& options) const {
  const auto& loaded = find_loaded(PluginKind::architecture, name);
  auto object = create_checked<plugin_abi::ArchitectureFactory>(loaded.record, *loaded.library, options);
  return std::make_shared<LibraryBoundArchitecture>(tie_to_library(std::move(object), loaded.library), loaded.library);
}

std::shared_ptr<Dataset> PluginRegistry::create_dataset(const std::string& name, const fs::path& root,
                                                        const Options& options) const {
  const auto& loaded = find_loaded(PluginKind::dataset, name);
  auto object = create_checked<plugin_abi::DatasetFactory>(loaded.record, *loaded.library, root, options);
  return tie_to_library(std::move(object), loaded.library);
}

std::shared_ptr<GcEstimator> PluginRegistry::create_gc_estimator(const std::string& name, const Options& options) const {
  const auto& loaded = find_loaded(PluginKind::gc_estimator, name);
  auto object = create_checked<plugin_abi::GcEstimatorFactory>(loaded.record, *loaded.library, options);
  return tie_to_library(std::move(object), loaded.library);
}

}  // namespace gcbench
