// The bad-input matrix: hostile or broken input of every kind, each through the
// real command line, each required to end with the documented exit code, a
// message naming the file, key or plugin, and no harm to records already written.
//
// A row is one case: the files it writes (placeholders {dir}, {data}, {plugins},
// {good}), an optional setup, the gcbench arguments, the exit code and the
// texts the output must hold. To add a case, add a row.
#include <c10/util/Logging.h>
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <functional>
#include <regex>

#include "idx_file.hpp"
#include "record/results_folder.hpp"
#include "support/fixtures.hpp"

using gcbench::testing::TempDir;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct BadInput {
  std::string name;
  std::vector<std::pair<std::string, std::string>> files;  // path under {dir} -> text
  std::string arguments;                                   // after `gcbench`
  int exit_code = 0;
  std::vector<std::string> says;                        // each must appear in stdout + stderr
  std::function<void(const fs::path& dir)> setup = {};  // binary edits, after `files`
  std::vector<std::string> never_says = {};
  // After the command: more checks on what it left (e.g. records intact).
  std::function<void(const fs::path& dir)> after = {};
};

// A small, valid suite; rows replace or append to it.
const char* kSuite = R"([suite]
name = "matrix"
[dataset]
plugin = "fashion_mnist"
root = "{data}"
[architecture]
plugin = "mlp"
[training]
batch_size = 40
[measure]
gc_samples = 4
gc_estimators = ["exact"]
[measure.fewshot]
episodes = 4
queries = 5
shots = [1]
classifiers = ["ncm"]
[runtime]
threads = 1
)";

std::string suite_with(const std::string& extra) { return std::string(kSuite) + extra; }

std::string fill(std::string text, const fs::path& dir) {
  const auto replace = [&](const std::string& from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
      text.replace(at, from.size(), to);
  };
  replace("{dir}", dir.string());
  replace("{data}", (dir / "data").string());
  replace("{plugins}", gcbench::testing::test_plugin_dir("").string());
  replace("{good}", (dir / "good").string());
  return text;
}

// The good results folder every "results" row starts from: one tiny suite, run once per test process.
const fs::path& good_results() {
  static TempDir dir("gcbench-matrix-good");
  static const fs::path folder = [] {
    gcbench::testing::write_fashion_mnist_fixture(dir / "data", 40, 30);
    gcbench::testing::write_text(dir / "suite.toml", fill(suite_with("[sweep]\n\"training.lr\" = [0.01, 0.05]\n"), dir.path()));
    const auto output =
        gcbench::testing::run_command(fmt::format("{} run {} --out {}", gcbench::testing::gcbench_executable().string(),
                                                  (dir / "suite.toml").string(), (dir / "results").string()));
    if (output.rfind("0\n", 0) != 0) throw std::runtime_error("the matrix's good suite failed:\n" + output);
    return gcbench::ResultsFolder::open(dir / "results" / "matrix").path();
  }();
  return folder;
}

void copy_good_results(const fs::path& dir) {
  fs::copy(good_results(), dir / "good", fs::copy_options::recursive);
  fs::remove_all(dir / "good" / "runs");  // checkpoints: not needed to report
}

std::string good_line(std::size_t index) {
  const auto text = gcbench::testing::read_text(good_results() / "runs.jsonl");
  std::size_t start = 0;
  for (std::size_t i = 0; i < index; ++i) start = text.find('\n', start) + 1;
  return text.substr(start, text.find('\n', start) - start);
}

json good_record(std::size_t index) { return json::parse(good_line(index)); }

void edit_idx(const fs::path& file, const std::function<void(gcbench::idx::ByteArray&)>& edit) {
  auto array = gcbench::idx::read(file);
  edit(array);
  gcbench::idx::write(file, array);
}

void run_rows(const std::vector<BadInput>& rows) {
  for (const auto& row : rows) {
    INFO("case: " << row.name);
    TempDir dir("gcbench-matrix");
    gcbench::testing::write_fashion_mnist_fixture(dir / "data", 40, 30);
    for (const auto& [path, text] : row.files) gcbench::testing::write_text(dir / path, fill(text, dir.path()));
    if (row.setup) row.setup(dir.path());
    const std::string command = fmt::format("cd {} && {} {}", dir.path().string(),
                                            gcbench::testing::gcbench_executable().string(), fill(row.arguments, dir.path()));
    const auto output = gcbench::testing::run_command(command);
    INFO(command << "\n" << output);
    CHECK(output.rfind(std::to_string(row.exit_code) + "\n", 0) == 0);
    for (const auto& text : row.says) CHECK_THAT(output, Catch::Contains(fill(text, dir.path())));
    for (const auto& text : row.never_says) CHECK_THAT(output, !Catch::Contains(text));
    if (row.after) row.after(dir.path());
  }
}

}  // namespace

namespace {

std::vector<BadInput> suite_file_rows() {
  const std::string validate = "validate suite.toml";
  return {
      {"TOML syntax error", {{"suite.toml", suite_with("[training\nlr = 1\n")}}, validate, 2, {"suite.toml:", "not valid TOML"}},
      {"unknown top-level key",
       {{"suite.toml", "colour = 1\n" + suite_with("")}},
       validate,
       2,
       {"suite.toml:1:1", "unknown key 'colour'"}},
      {"unknown training key",
       {{"suite.toml", std::regex_replace(suite_with(""), std::regex("batch_size = 40"), "lrr = 1\nbatch_size = 40")}},
       validate,
       2,
       {"suite.toml:9:1", "unknown key 'training.lrr'"}},
      {"an unknown table", {{"suite.toml", suite_with("[optimizer]\nkind = 1\n")}}, validate, 2, {"unknown key 'optimizer'"}},
      {"lr as text",
       {{"suite.toml", std::regex_replace(suite_with(""), std::regex("batch_size = 40"), "lr = \"fast\"")}},
       validate,
       2,
       {"'training.lr'", "expects"}},
      {"lr below its minimum",
       {{"suite.toml", std::regex_replace(suite_with(""), std::regex("batch_size = 40"), "lr = -1.0")}},
       validate,
       2,
       {"'training.lr'", "below the minimum"}},
      {"no dataset plugin",
       {{"suite.toml", "[architecture]\nplugin = \"mlp\"\n"}},
       validate,
       2,
       {"missing required key 'dataset.plugin'"}},
      {"unknown dataset plugin",
       {{"suite.toml", std::regex_replace(suite_with(""), std::regex("\"fashion_mnist\""), "\"fashion\"")}},
       validate,
       2,
       {"unknown dataset plugin 'fashion'", "fashion_mnist"}},
      {"unknown architecture option",
       {{"suite.toml", suite_with("[architecture.options]\ndepth = 3\n")}},
       validate,
       2,
       {"unknown option 'architecture.options.depth'", "mlp"}},
      {"architecture option of the wrong type",
       {{"suite.toml", suite_with("[architecture.options]\nhidden = \"wide\"\n")}},
       validate,
       2,
       {"'architecture.options.hidden'"}},
      {"missing include",
       {{"suite.toml", "include = \"base.toml\"\n" + suite_with("")}},
       validate,
       2,
       {"base.toml", "does not exist"}},
      {"include cycle",
       {{"suite.toml", "include = \"a.toml\"\n" + suite_with("")}, {"a.toml", "include = \"suite.toml\"\n"}},
       validate,
       2,
       {"include cycle"}},
      {"include chain too deep",
       {{"suite.toml", "include = \"i0.toml\"\n" + suite_with("")}},
       validate,
       2,
       {"nest more than 16"},
       [](const fs::path& dir) {
         for (int i = 0; i < 40; ++i)
           gcbench::testing::write_text(dir / fmt::format("i{}.toml", i), fmt::format("include = \"i{}.toml\"\n", i + 1));
       }},
      {"include of a folder",
       {{"suite.toml", "include = \"folder\"\n" + suite_with("")}, {"folder/x", ""}},
       validate,
       2,
       {"is not a file"}},
      {"empty seed list",
       {{"suite.toml", std::regex_replace(suite_with(""), std::regex("name = \"matrix\""), "name = \"matrix\"\nseeds = []")}},
       validate,
       2,
       {"'suite.seeds' is empty"}},
      {"repeated seed",
       {{"suite.toml", std::regex_replace(suite_with(""), std::regex("name = \"matrix\""), "name = \"matrix\"\nseeds = [1, 1]")}},
       validate,
       2,
       {"repeats a seed"}},
      {"sweep of an unknown key",
       {{"suite.toml", suite_with("[sweep]\n\"training.lrr\" = [1, 2]\n")}},
       validate,
       2,
       {"sweep key 'training.lrr' is not a suite key"}},
      {"sweep with an empty list",
       {{"suite.toml", suite_with("[sweep]\n\"training.lr\" = []\n")}},
       validate,
       2,
       {"non-empty list"}},
      {"sweep value of the wrong type",
       {{"suite.toml", suite_with("[sweep]\n\"training.lr\" = [0.1, \"x\"]\n")}},
       validate,
       2,
       {"sweep value for 'training.lr'"}},
      {"zipped lists of unequal length",
       {{"suite.toml", suite_with("[[sweep.zip]]\n\"training.lr\" = [0.1, 0.2]\n\"training.epochs\" = [1]\n")}},
       validate,
       2,
       {"equally long"}},
      {"a key swept twice",
       {{"suite.toml", suite_with("[sweep]\n\"training.lr\" = [0.1]\n[[sweep.zip]]\n\"training.lr\" = [0.2]\n")}},
       validate,
       2,
       {"swept twice"}},
      {"sweep of the dataset plugin",
       {{"suite.toml", suite_with("[sweep]\n\"dataset.plugin\" = [\"cifar10\"]\n")}},
       validate,
       2,
       {"cannot be swept"}},
      {"an unknown estimator inside a sweep",
       {{"suite.toml", suite_with("[sweep]\n\"measure.gc_estimators\" = [[\"exact\"], [\"nope\"]]\n")}},
       validate,
       2,
       {"suite.toml:", "unknown gc_estimator plugin 'nope'"}},
      {"an unknown penalty estimator inside a sweep",
       {{"suite.toml", suite_with("[sweep]\n\"training.gc_penalty_estimator\" = [\"nope\"]\n")}},
       validate,
       2,
       {"unknown gc_estimator plugin 'nope'"}},
      {"a suite name that climbs out of --out",
       {{"suite.toml", std::regex_replace(suite_with(""), std::regex("name = \"matrix\""), "name = \"../../escaped\"")}},
       "run suite.toml --out results",
       2,
       {"'suite.name'"},
       {},
       {},
       [](const fs::path& dir) { CHECK_FALSE(fs::exists(dir.parent_path() / "escaped")); }},
      {"an absolute suite name",
       {{"suite.toml", std::regex_replace(suite_with(""), std::regex("name = \"matrix\""), "name = \"/tmp/gcbench-absolute\"")}},
       validate,
       2,
       {"'suite.name'"}},
      {"a grid of 10^8 runs",
       {{"suite.toml",
         suite_with(
             "[sweep]\n\"training.lr\" = [1,2,3,4,5,6,7,8,9,10]\n\"training.epochs\" = [1,2,3,4,5,6,7,8,9,10]\n"
             "\"training.batch_size\" = [1,2,3,4,5,6,7,8,9,10]\n\"training.momentum\" = [0,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9]\n"
             "\"training.gamma\" = [0,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9]\n\"training.l2\" = [0,1,2,3,4,5,6,7,8,9]\n"
             "\"training.weight_decay\" = [0,1,2,3,4,5,6,7,8,9]\n\"measure.gc_samples\" = [1,2,3,4,5,6,7,8,9,10]\n")}},
       validate,
       2,
       {"plans 100000000 runs, over the limit of 100000"}},
      {"a grid whose size overflows",
       {{"suite.toml",
         [] {
           std::string sweep = "[sweep]\n";
           const char* keys[] = {"training.lr",
                                 "training.epochs",
                                 "training.batch_size",
                                 "training.gc_penalty",
                                 "training.warmup_epochs",
                                 "training.l2",
                                 "training.weight_decay",
                                 "measure.gc_samples",
                                 "measure.batch_size",
                                 "measure.fewshot.episodes",
                                 "measure.fewshot.queries",
                                 "training.trajectory_gc_samples",
                                 "training.trajectory_nc_samples",
                                 "training.max_steps",
                                 "training.checkpoint_every",
                                 "measure.accuracy_samples"};
           for (const char* key : keys) {
             std::vector<int> values;
             for (int v = 2; v < 18; ++v) values.push_back(v);
             sweep += fmt::format("\"{}\" = [{}]\n", key, fmt::join(values, ", "));
           }
           return suite_with(sweep);
         }()}},
       validate,
       2,
       {"more than 2^64", "over the limit"}},
      {"10^12 episodes",
       {{"suite.toml", std::regex_replace(suite_with(""), std::regex("episodes = 4"), "episodes = 1000000000000")}},
       validate,
       2,
       {"'measure.fewshot.episodes'", "above the maximum"}},

      {"a variant that renames the suite",
       {{"suite.toml", suite_with("[variants.a.suite]\nname = \"other\"\n")}},
       validate,
       2,
       {"cannot rename the suite"}},
      {"variants that are not tables",
       {{"suite.toml", "variants = 3\n" + suite_with("")}},
       validate,
       2,
       {"'variants' must hold"}},
      {"options for an estimator nobody uses",
       {{"suite.toml", suite_with("[estimators.sampled]\noutputs = 4\n")}},
       validate,
       2,
       {"which no key uses"}},
      {"no such suite file", {}, "validate missing.toml", 2, {"missing.toml", "no such suite file"}},
      {"a binary file as a suite",
       {},
       validate,
       2,
       {"suite.toml", "not valid TOML"},
       [](const fs::path& dir) {
         gcbench::testing::write_text(dir / "suite.toml", std::string("\x7f"
                                                                      "ELF\x02\x01\x01\0\0\xff\xfe",
                                                                      12));
       }},
      {"a dataset class listed twice",
       {{"suite.toml", suite_with("[dataset.options]\nsource_classes = [1, 1]\n")}},
       validate,
       2,
       {"[dataset.options]", "repeats class 1", "fashion_mnist"}},
      {"a class in both the source and the target split",
       {{"suite.toml", suite_with("[dataset.options]\ntarget_classes = [4, 5, 6]\n")}},
       validate,
       2,
       {"class 4 (coat) is in both source_classes and target_classes"}},
      {"an unknown classifier",
       {{"suite.toml", std::regex_replace(suite_with(""), std::regex("classifiers = \\[\"ncm\"\\]"), "classifiers = [\"knn\"]")}},
       validate,
       2,
       {"'measure.fewshot.classifiers'", "allowed: ncm"}},
      {"an unknown schedule",
       {{"suite.toml", suite_with("").insert(std::string(kSuite).find("batch_size"), "schedule = \"linear\"\n")}},
       validate,
       2,
       {"suite.toml:9:", "'training.schedule'", "allowed: constant"}},
  };
}

std::vector<BadInput> override_rows() {
  return {
      {"no '='", {{"suite.toml", suite_with("")}}, "validate suite.toml --set training.lr", 2, {"expected key=value"}},
      {"an embedded newline that would inject a key",
       {{"suite.toml", suite_with("")}},
       "validate suite.toml --set \"$(printf 'training.lr=0.1\\nsuite.name=\"../x\"')\"",
       2,
       {"line break"}},
      {"an unknown key",
       {{"suite.toml", suite_with("")}},
       "validate suite.toml --set training.lrr=1",
       2,
       {"--set training.lrr=1", "unknown key 'training.lrr'"}},
      {"a value of the wrong type",
       {{"suite.toml", suite_with("")}},
       "validate suite.toml --set training.epochs=many",
       2,
       {"'training.epochs'"}},
      {"an empty sweep",
       {{"suite.toml", suite_with("")}},
       "validate suite.toml --set 'sweep.\"training.lr\"=[]'",
       2,
       {"non-empty list"}},
      {"a suite name with a path",
       {{"suite.toml", suite_with("")}},
       "validate suite.toml --set suite.name=../x",
       2,
       {"'suite.name'"}},
      {"a dataset option for data verify that does not exist",
       {},
       "data verify fashion_mnist {data} --set colour=1",
       2,
       {"--set colour=1", "has no option 'colour'"}},
  };
}

std::vector<BadInput> data_file_rows() {
  const std::string verify = "data verify fashion_mnist {data}";
  const auto images = [](const fs::path& dir) { return dir / "data" / "train-images-idx3-ubyte.gz"; };
  const auto labels = [](const fs::path& dir) { return dir / "data" / "train-labels-idx1-ubyte.gz"; };
  return {
      {"a missing data folder",
       {},
       "data verify fashion_mnist {dir}/nothing-here",
       1,
       {"{dir}/nothing-here/train-images-idx3-ubyte.gz", "dataset-fashion-mnist"}},
      {"a truncated images file", {}, verify, 1, {"train-images-idx3-ubyte.gz"}, {[=](const fs::path& dir) {
         fs::resize_file(images(dir), fs::file_size(images(dir)) / 2);
       }}},
      {"a header declaring 2^31 images",
       {},
       verify,
       1,
       {"train-images-idx3-ubyte.gz", "declares an array of more than"},
       [=](const fs::path& dir) {
         const char header[] = {
             0,  0, 8, 3, 0x7f, static_cast<char>(0xff), static_cast<char>(0xff), static_cast<char>(0xff), 0, 0, 0,
             28, 0, 0, 0, 28};
         gcbench::testing::write_text(images(dir), std::string(header, sizeof(header)));
       }},
      {"more labels than images",
       {},
       verify,
       1,
       {"train-labels-idx1-ubyte.gz", "labels for"},
       [=](const fs::path& dir) {
         edit_idx(labels(dir), [](auto& array) {
           array.dims[0] += 1;
           array.data.push_back(0);
         });
       }},
      {"a label outside 0..9",
       {},
       verify,
       1,
       {"train-labels-idx1-ubyte.gz", "label 12 is not in 0..9"},
       [=](const fs::path& dir) { edit_idx(labels(dir), [](auto& array) { array.data[3] = 12; }); }},
      {"a whole class missing from the labels",
       {},
       verify,
       1,
       {"train-labels-idx1-ubyte.gz", "class 3", "has 0 images"},
       [=](const fs::path& dir) {
         edit_idx(labels(dir), [](auto& array) {
           for (auto& label : array.data) label = label == 3 ? 2 : label;
         });
       }},
      {"more train_per_class than a class holds",
       {},
       verify + " --set train_per_class=100",
       1,
       {"has 40 images, fewer than the 100 asked for"}},
      {"a file that is not IDX",
       {},
       verify,
       1,
       {"train-images-idx3-ubyte.gz", "not an IDX file"},
       [=](const fs::path& dir) { gcbench::testing::write_text(images(dir), "GIF89a, not an IDX file at all"); }},
      {"a class listed twice", {}, verify + " --set 'source_classes=[1, 1]'", 1, {"repeats class 1"}},
      {"a class in both source and target",
       {},
       verify + " --set 'target_classes=[4, 5]'",
       1,
       {"class 4", "in both source_classes and target_classes"}},
      {"a truncated CIFAR-10 batch",
       {},
       "data verify cifar10 {dir}/cifar10 --set records_per_file=20",
       1,
       {"data_batch_1.bin"},
       [](const fs::path& dir) {
         gcbench::testing::write_cifar10_fixture(dir / "cifar10", 20);
         fs::resize_file(dir / "cifar10" / "data_batch_1.bin", 3073 * 20 - 7);
       }},
      {"a mini-ImageNet CSV naming a missing image",
       {},
       "data verify mini_imagenet {dir}/mini --set images_per_class=4 --set holdout_per_class=1 --set cache=false",
       1,
       {".jpg"},
       [](const fs::path& dir) {
         gcbench::testing::write_mini_imagenet_fixture(dir / "mini", 4);
         for (const auto& entry : fs::directory_iterator(dir / "mini" / "images")) {
           fs::remove(entry.path());
           break;
         }
       }},
  };
}

std::vector<BadInput> run_rows_of_runs() {
  const std::string run = "run suite.toml --out results";
  const auto records_in = [](const fs::path& dir) {
    return gcbench::ResultsFolder::open(dir / "results" / "matrix").read_records();
  };
  return {
      // Whether this machine has the cores is the run's to check (validate checks the suite alone), before any folder.
      {"1000 threads",
       {{"suite.toml", std::regex_replace(suite_with(""), std::regex("threads = 1"), "threads = 1000")}},
       run,
       1,
       {"'runtime.threads' is 1000", "cores", "no results folder made"},
       {},
       {},
       [](const fs::path& dir) { CHECK_FALSE(fs::exists(dir / "results")); }},
      // Missing data is found before any folder is made, and the message gives the command that gets it.
      {"a dataset whose data is not there",
       {{"suite.toml",
         "[suite]\nname = \"matrix\"\n[dataset]\nplugin = \"cifar_fs\"\nroot = \"{dir}/no cifar\"\n"
         "[architecture]\nplugin = \"mlp\"\n"}},
       run,
       1,
       {"{dir}/no cifar/fine_label_names.txt", "gcbench data fetch cifar_fs '{dir}/no cifar'", "no results folder made"},
       {},
       {},
       [](const fs::path& dir) { CHECK_FALSE(fs::exists(dir / "results")); }},
      {"more ways than target classes, after a run that worked",
       {{"suite.toml", suite_with("[sweep]\n\"measure.fewshot.ways\" = [5, 10]\n")}},
       run,
       1,
       {"measure.fewshot.ways is 10, but the target split has 5 classes"},
       {},
       {},
       [=](const fs::path& dir) {
         const auto read = records_in(dir);
         CHECK(read.problems.empty());
         REQUIRE(read.records.size() == 2);
         CHECK(read.records[0].status == gcbench::RunStatus::ok);
         CHECK(read.records[1].status == gcbench::RunStatus::failed);
         CHECK_FALSE(read.records[1].training.trained);  // it stopped before training
       }},
      {"more shots and queries than a target class holds",
       {{"suite.toml", std::regex_replace(suite_with(""), std::regex("queries = 5"), "queries = 40")}},
       run,
       1,
       {"smallest target class has 30"}},
      {"a run that diverges", {{"suite.toml", suite_with("[sweep]\n\"training.lr\" = [1e12]\n")}}, run, 3, {"diverged"}},
      {"data that goes missing stops the suite",
       {{"suite.toml", std::regex_replace(suite_with(""), std::regex("root = \"\\{data\\}\""), "root = \"{dir}/gone\"")}},
       run,
       1,
       {"{dir}/gone/train-images-idx3-ubyte.gz", "stopping the suite"}},
      {"an estimator that returns NaN",
       {{"suite.toml",
         std::regex_replace(std::regex_replace(suite_with(""), std::regex("name = \"matrix\""),
                                               "name = \"matrix\"\nplugin_paths = [\"{plugins}/nan_estimator\"]"),
                            std::regex("gc_estimators = \\[\"exact\"\\]"), "gc_estimators = [\"exact\", \"nan_estimator\"]")}},
       run,
       1,
       {"gc_estimator plugin 'nan_estimator' returned GC = nan"}},
      {"an architecture whose constructor throws",
       {{"suite.toml", std::regex_replace(suite_with(""), std::regex("plugin = \"mlp\""), "plugin = \"throwing\"")}},
       run + " --plugin-path {plugins}/throwing",
       1,
       {"architecture plugin 'throwing'", "deliberate failure"}},
      {"a results root with a name that is not UTF-8",
       {{"suite.toml", suite_with("")}},
       "run suite.toml --out $(printf 'res\\377ults')",
       0,
       {"records:"}},
  };
}

std::vector<BadInput> plugin_rows() {
  const auto in = [](const std::string& which) { return "{plugins}/" + which; };
  return {
      {"a file that is not a library",
       {},
       "plugins --plugin-path {dir}/p",
       0,
       {"gcbench_architecture_fake.so", "invalid ELF header"},
       [](const fs::path& dir) {
         gcbench::testing::write_text(dir / "p" / "gcbench_architecture_fake.so", std::string(300, 'z'));
       }},
      {"a plugin for another ABI version", {}, "plugins --plugin-path " + in("wrong_abi"), 0, {"ABI version 999"}},
      {"a plugin for another LibTorch", {}, "plugins --plugin-path " + in("wrong_torch"), 0, {"LibTorch 0.0.1-test"}},
      {"a plugin with an undefined symbol",
       {},
       "plugins --plugin-path " + in("undefined_symbol"),
       0,
       {"gcbench_test_symbol_nobody_defines"}},
      {"a plugin that aborts in a static initialiser, beside working ones",
       {},
       "plugins --plugin-path " + in("aborts_when_loaded") + " --plugin-path " + in("throwing_info"),
       0,
       {"gcbench_architecture_aborts_when_loaded.so", "loading it ended the process that tried", "signal 6", "conv4"}},
      {"a plugin without a factory",
       {},
       "plugins --plugin-path " + in("no_factory"),
       0,
       {"gcbench_architecture_no_factory.so", "not a gcbench plugin"}},
      {"a plugin whose info function throws, beside working ones",
       {},
       "plugins --plugin-path " + in("throwing_info"),
       0,
       {"gcbench_architecture_throwing_info.so", "info function threw", "conv4"}},
      {"two plugins of one name",
       {},
       "plugins --plugin-path {dir}/copy",
       0,
       {"already loaded"},
       [](const fs::path& dir) {
         fs::create_directories(dir / "copy");
         fs::copy_file(gcbench::testing::plugin_dir() / "gcbench_architecture_mlp.so",
                       dir / "copy" / "gcbench_architecture_mlp.so");
       }},
      {"a plugin folder that does not exist",
       {},
       "plugins --plugin-path {dir}/no-plugins",
       0,
       {"{dir}/no-plugins does not exist"}},
      {"a plugin file with a name the loader skips",
       {},
       "plugins --plugin-path {dir}/odd",
       0,
       {"my_mlp.so", "gcbench_<kind>_<name>.so"},
       [](const fs::path& dir) {
         fs::create_directories(dir / "odd");
         fs::copy_file(gcbench::testing::plugin_dir() / "gcbench_architecture_mlp.so", dir / "odd" / "my_mlp.so");
       }},
      {"a suite naming a plugin that was refused",
       {{"suite.toml", std::regex_replace(suite_with(""), std::regex("plugin = \"mlp\""), "plugin = \"from_the_future\"")}},
       "validate suite.toml --plugin-path " + in("wrong_abi"),
       2,
       {"unknown architecture plugin 'from_the_future'", "ABI version 999"}},
  };
}

std::vector<BadInput> results_rows() {
  const auto before = gcbench::testing::read_text(good_results() / "runs.jsonl");
  const std::string report = "report {good}";
  const auto write_records = [](std::vector<std::string> lines) {
    return [lines](const fs::path& dir) {
      copy_good_results(dir);
      std::string text;
      for (const auto& line : lines) text += line + "\n";
      gcbench::testing::write_text(dir / "good" / "runs.jsonl", text);
    };
  };
  const auto unchanged_after = [](const fs::path& dir, const std::string& expected) {
    const bool unchanged = gcbench::testing::read_text(dir / "good" / "runs.jsonl") == expected;
    CHECK(unchanged);
  };
  json diverged = good_record(1);
  diverged["status"] = "diverged";
  diverged["error"] = "training diverged at step 2";
  diverged.erase("metrics");
  json failed = good_record(1);
  failed["status"] = "failed";
  failed["error"] = "the estimator threw";
  failed.erase("metrics");
  failed.erase("network");
  json backticks = good_record(0);
  backticks["variant"] = "`touch pwned`$(touch pwned2)@x";
  json script = good_record(0);
  script["variant"] = "<script>alert(1)</script>";
  json newer = good_record(0);
  newer["schema_version"] = 99;
  json no_seed = good_record(0);
  no_seed.erase("seed");
  return {
      {"a torn last line",
       {},
       report,
       0,
       {"skipped a truncated last record"},
       [=](const fs::path& dir) {
         copy_good_results(dir);
         gcbench::testing::write_text(dir / "good" / "runs.jsonl", before + good_line(0).substr(0, 40));
       },
       {},
       [=](const fs::path& dir) { unchanged_after(dir, before + good_line(0).substr(0, 40)); }},
      {"a damaged line before the last",
       {},
       report,
       1,
       {"runs.jsonl:1", "not a complete record"},
       write_records({good_line(0).substr(0, 30), good_line(1)})},
      {"a line that is JSON but no record",
       {},
       report,
       1,
       {"runs.jsonl:1", "not a run record"},
       write_records({"42", good_line(1)})},
      {"a record of a newer schema", {}, report, 1, {"runs.jsonl:1", "schema version 99"}, write_records({newer.dump()})},
      {"a record without its seed", {}, report, 1, {"runs.jsonl:1", "'seed' is missing"}, write_records({no_seed.dump()})},
      {"a folder with no records file", {}, "report {dir}", 1, {"holds no runs.jsonl"}},
      {"an empty records file", {}, report, 1, {"holds no records yet"}, write_records({})},
      {"a damaged plan",
       {},
       report,
       1,
       {"plan.json", "not a plan"},
       [](const fs::path& dir) {
         copy_good_results(dir);
         gcbench::testing::write_text(dir / "good" / "plan.json", "{\"oops\":");
       }},
      {"a suite killed before its last run",
       {},
       report,
       0,
       {"1 planned but not run"},
       write_records({good_line(0)}),
       {},
       [=](const fs::path& dir) {
         CHECK_THAT(gcbench::testing::read_text(dir / "good" / "report.md"), Catch::Contains("Planned but not run"));
       }},
      {"diverged and failed runs beside an ok one",
       {},
       report,
       0,
       {"wrote"},
       write_records({good_line(0), diverged.dump(), failed.dump()}),
       {},
       [=](const fs::path& dir) {
         const auto markdown = gcbench::testing::read_text(dir / "good" / "report.md");
         CHECK_THAT(markdown,
                    Catch::Contains("1 ok, 1 diverged, 1 failed") && Catch::Contains("**failed**: the estimator threw"));
       }},
      {"a variant name that holds shell commands",
       {},
       report,
       0,
       {"wrote"},
       write_records({backticks.dump(), good_line(1)}),
       {},
       [=](const fs::path& dir) {
         CHECK_FALSE(fs::exists(dir / "pwned"));
         CHECK_FALSE(fs::exists(dir / "pwned2"));
         for (const auto& entry : fs::directory_iterator(dir / "good" / "plots")) {
           if (entry.path().extension() == ".gp") CHECK(gcbench::testing::read_text(entry.path()).find('`') == std::string::npos);
         }
       }},
      {"a variant name that holds HTML",
       {},
       report,
       0,
       {"wrote"},
       write_records({script.dump(), good_line(1)}),
       {},
       [=](const fs::path& dir) {
         const auto html = gcbench::testing::read_text(dir / "good" / "report.html");
         CHECK(html.find("<script>alert") == std::string::npos);
         CHECK_THAT(html, Catch::Contains("&lt;script&gt;alert(1)"));
       }},
  };
}

}  // namespace

TEST_CASE("Bad suite files are refused at validation, naming file, line and key", "[matrix]") { run_rows(suite_file_rows()); }

TEST_CASE("Bad --set overrides are refused, naming the override", "[matrix]") { run_rows(override_rows()); }

TEST_CASE("Broken data files stop with the file named and what to do", "[matrix]") { run_rows(data_file_rows()); }

TEST_CASE("Runs that cannot work fail before training, and finished records stay intact", "[matrix]") {
  run_rows(run_rows_of_runs());
}

TEST_CASE("Broken plugins are refused, naming the file and the reason", "[matrix]") { run_rows(plugin_rows()); }

TEST_CASE("Damaged or foreign results folders are reported clearly and never altered", "[matrix]") {
  const auto before = gcbench::testing::read_text(good_results() / "runs.jsonl");
  run_rows(results_rows());
  // Every row above worked on a copy: the good folder's records are as they were.
  const bool unchanged = gcbench::testing::read_text(good_results() / "runs.jsonl") == before;
  CHECK(unchanged);
}

TEST_CASE("The bad-input matrix has at least 60 cases", "[matrix]") {
  std::size_t rows = 0;
  for (const auto& category :
       {suite_file_rows(), override_rows(), data_file_rows(), run_rows_of_runs(), plugin_rows(), results_rows()}) {
    rows += category.size();
  }
  CHECK(rows >= 60);
}
