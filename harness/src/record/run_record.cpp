#include "record/run_record.hpp"

#include <fmt/format.h>

#include "record/json_fields.hpp"

namespace gcbench {
using nlohmann::json;

std::string to_string(RunStatus status) {
  switch (status) {
    case RunStatus::ok: return "ok";
    case RunStatus::diverged: return "diverged";
    case RunStatus::failed: return "failed";
    case RunStatus::crashed: return "crashed";
  }
  return "?";
}

bool is_finished(RunStatus status) { return status == RunStatus::ok || status == RunStatus::diverged; }

namespace {

template <class T>
void put(json& out, const char* name, const std::optional<T>& value) {
  if (value) out[name] = *value;
}

RunStatus status_from(const std::string& text) {
  for (auto status : {RunStatus::ok, RunStatus::diverged, RunStatus::failed, RunStatus::crashed}) {
    if (to_string(status) == text) return status;
  }
  throw RecordError(fmt::format("record field 'status' is \"{}\", expected ok, diverged, failed or crashed", text));
}

json to_json(const PluginVersion& plugin) {
  json out = {{"name", plugin.name}, {"version", plugin.version}};
  if (!plugin.sha256.empty()) out["sha256"] = plugin.sha256;
  return out;
}

PluginVersion plugin_from(const JsonFields& in) {
  return {in.required<std::string>("name"), in.required<std::string>("version"), in.value_or<std::string>("sha256", "")};
}

json to_json(const Provenance& p) {
  json plugins = {{"dataset", to_json(p.dataset)}, {"architecture", to_json(p.architecture)}};
  for (const auto& [name, plugin] : p.gc_estimators) plugins["gc_estimators"][name] = to_json(plugin);
  json out = {{"gcbench_version", p.gcbench_version},
              {"git_revision", p.git_revision},
              {"libtorch_version", p.libtorch_version},
              {"libtorch_cuda_version", p.libtorch_cuda_version},
              {"libtorch_cudnn_version", p.libtorch_cudnn_version},
              {"hostname", p.hostname},
              {"threads", p.threads},
              {"cores", p.cores},
              {"cpu_model", p.cpu_model},
              {"blas", p.blas},
              {"compiler", p.compiler},
              {"device", p.device},
              {"device_model", p.device_model},
              {"device_requested", p.device_requested},
              {"device_fallback", p.device_fallback},
              {"plugins", plugins}};
  put(out, "libtorch_cuda", p.libtorch_cuda);
  return out;
}

Provenance provenance_from(const JsonFields& in) {
  Provenance p;
  p.gcbench_version = in.required<std::string>("gcbench_version");
  p.git_revision = in.required<std::string>("git_revision");
  p.libtorch_version = in.required<std::string>("libtorch_version");
  p.libtorch_cuda = in.optional<bool>("libtorch_cuda");
  p.libtorch_cuda_version = in.required<std::string>("libtorch_cuda_version");
  p.libtorch_cudnn_version = in.required<std::string>("libtorch_cudnn_version");
  p.hostname = in.required<std::string>("hostname");
  p.threads = in.required<std::int64_t>("threads");
  p.cores = in.required<std::int64_t>("cores");
  p.cpu_model = in.required<std::string>("cpu_model");
  p.blas = in.required<std::string>("blas");
  p.compiler = in.required<std::string>("compiler");
  p.device = in.required<std::string>("device");
  p.device_model = in.required<std::string>("device_model");
  p.device_requested = in.required<std::string>("device_requested");
  p.device_fallback = in.required<std::string>("device_fallback");
  const auto plugins = in.object("plugins");
  p.dataset = plugin_from(plugins.object("dataset"));
  p.architecture = plugin_from(plugins.object("architecture"));
  if (const auto estimators = plugins.optional_object("gc_estimators")) {
    for (const auto& [name, unused] : estimators->object().items()) p.gc_estimators[name] = plugin_from(estimators->object(name));
  }
  return p;
}

json to_json(const TrajectoryPoint& point) {
  json out = {{"step", point.step}, {"epoch", point.epoch}, {"lr", point.lr},
              {"loss", point.loss ? json(*point.loss) : json()},
              {"accuracy", point.accuracy ? json(*point.accuracy) : json()},
              {"gc", point.gc},
              {"gc_standard_error", point.gc_standard_error ? json(*point.gc_standard_error) : json()},
              {"nc_cdnv", point.nc_cdnv}, {"nc1", point.nc1}, {"seconds", point.seconds}};
  return out;
}

TrajectoryPoint trajectory_point_from(const JsonFields& in) {
  TrajectoryPoint point;
  point.step = in.required<std::int64_t>("step");
  point.epoch = in.required<double>("epoch");
  point.lr = in.required<double>("lr");
  point.loss = in.optional<double>("loss");
  point.accuracy = in.optional<double>("accuracy");
  point.gc = in.required<double>("gc");
  point.gc_standard_error = in.optional<double>("gc_standard_error");
  point.nc_cdnv = in.required<double>("nc_cdnv");
  point.nc1 = in.required<double>("nc1");
  point.seconds = in.required<double>("seconds");
  return point;
}

json to_json(const TrainingSummary& t) {
  json out = {{"trained", t.trained}};
  put(out, "trained_in_run", t.trained_in_run);
  if (!t.from_checkpoint.empty()) out["from_checkpoint"] = t.from_checkpoint;
  if (!t.checkpoint.empty()) out["checkpoint"] = t.checkpoint;
  put(out, "steps", t.steps);
  put(out, "epochs_completed", t.epochs_completed);
  put(out, "final_loss", t.final_loss);
  put(out, "running_train_accuracy", t.running_train_accuracy);
  put(out, "parameter_norm", t.parameter_norm);
  put(out, "final_gc_penalty_estimate", t.final_gc_penalty_estimate);
  put(out, "diverged_at_step", t.diverged_at_step);
  if (!t.trajectory.empty()) {
    out["trajectory"] = json::array();
    for (const auto& point : t.trajectory) out["trajectory"].push_back(to_json(point));
  }
  return out;
}

TrainingSummary training_from(const JsonFields& in) {
  TrainingSummary t;
  t.trained = in.required<bool>("trained");
  t.trained_in_run = in.optional<std::size_t>("trained_in_run");
  t.from_checkpoint = in.value_or<std::string>("from_checkpoint", "");
  t.checkpoint = in.value_or<std::string>("checkpoint", "");
  t.steps = in.optional<std::int64_t>("steps");
  t.epochs_completed = in.optional<std::int64_t>("epochs_completed");
  t.final_loss = in.optional<double>("final_loss");
  t.running_train_accuracy = in.optional<double>("running_train_accuracy");
  t.parameter_norm = in.optional<double>("parameter_norm");
  t.final_gc_penalty_estimate = in.optional<double>("final_gc_penalty_estimate");
  t.diverged_at_step = in.optional<std::int64_t>("diverged_at_step");
  if (in.object().contains("trajectory")) {
    const auto& points = in.object()["trajectory"];
    if (!points.is_array()) throw RecordError("record field '" + in.path_of("trajectory") + "' is not a list");
    for (std::size_t i = 0; i < points.size(); ++i) {
      t.trajectory.push_back(trajectory_point_from(JsonFields(points[i], in.path_of(fmt::format("trajectory[{}]", i)))));
    }
  }
  return t;
}

json to_json(const GcMeasurement& gc) {
  return {{"value", gc.value},
          {"standard_error", gc.standard_error ? json(*gc.standard_error) : json()},
          {"backward_passes", gc.backward_passes},
          {"seconds", gc.seconds},
          {"examples", gc.examples}};
}

GcMeasurement gc_from(const JsonFields& in) {
  return {in.required<double>("value"), in.optional<double>("standard_error"), in.required<std::int64_t>("backward_passes"),
          in.required<double>("seconds"), in.required<std::int64_t>("examples")};
}

json to_json(const NcMeasurement& nc) {
  json out = {{"cdnv", nc.cdnv},
              {"cdnv_pairwise", nc.cdnv_pairwise},
              {"nc1", nc.nc1},
              {"nc1_sigma_b_rank", nc.nc1_sigma_b_rank},
              {"nc2_equinorm", nc.nc2_equinorm},
              {"nc2_equiangularity", nc.nc2_equiangularity},
              {"nc2_etf_distance", nc.nc2_etf_distance},
              {"classes", nc.classes},
              {"examples", nc.examples}};
  put(out, "nc3", nc.nc3);
  put(out, "nc4", nc.nc4);
  return out;
}

NcMeasurement nc_from(const JsonFields& in) {
  NcMeasurement nc;
  nc.cdnv = in.required<double>("cdnv");
  nc.cdnv_pairwise = in.required<std::vector<std::vector<double>>>("cdnv_pairwise");
  nc.nc1 = in.required<double>("nc1");
  nc.nc1_sigma_b_rank = in.required<std::int64_t>("nc1_sigma_b_rank");
  nc.nc2_equinorm = in.required<double>("nc2_equinorm");
  nc.nc2_equiangularity = in.required<double>("nc2_equiangularity");
  nc.nc2_etf_distance = in.required<double>("nc2_etf_distance");
  nc.nc3 = in.optional<double>("nc3");
  nc.nc4 = in.optional<double>("nc4");
  nc.classes = in.required<std::vector<std::string>>("classes");
  nc.examples = in.required<std::int64_t>("examples");
  return nc;
}

json to_json(const FewShotMeasurement& f) {
  return {{"ways", f.ways},   {"shots", f.shots}, {"queries", f.queries},         {"episodes", f.episodes},
          {"mean", f.mean},   {"ci95", f.ci95},   {"per_episode", f.per_episode}, {"seconds", f.seconds}};
}

FewShotMeasurement fewshot_from(const JsonFields& in) {
  FewShotMeasurement f;
  f.ways = in.required<std::int64_t>("ways");
  f.shots = in.required<std::int64_t>("shots");
  f.queries = in.required<std::int64_t>("queries");
  f.episodes = in.required<std::int64_t>("episodes");
  f.mean = in.required<double>("mean");
  f.ci95 = in.required<double>("ci95");
  f.per_episode = in.required<std::vector<double>>("per_episode");
  f.seconds = in.required<double>("seconds");
  return f;
}

json to_json(const Metrics& m) {
  json source = json::object();
  put(source, "train_accuracy", m.source.train_accuracy);
  put(source, "train_accuracy_examples", m.source.train_accuracy_examples);
  put(source, "test_accuracy", m.source.test_accuracy);
  for (const auto& [name, gc] : m.source.gc) source["gc"][name] = to_json(gc);
  if (m.source.nc) source["nc"] = to_json(*m.source.nc);
  json target;  // null: a source-only dataset has no target classes
  if (m.target) {
    target = json::object();
    if (m.target->nc) target["nc"] = to_json(*m.target->nc);
    for (const auto& [classifier, by_shots] : m.target->fewshot) {
      for (const auto& [shots, result] : by_shots) target["fewshot"][classifier][std::to_string(shots)] = to_json(result);
    }
  }
  return {{"source", source}, {"target", target}};
}

Metrics metrics_from(const JsonFields& in) {
  Metrics m;
  const auto source = in.object("source");
  m.source.train_accuracy = source.optional<double>("train_accuracy");
  m.source.train_accuracy_examples = source.optional<std::int64_t>("train_accuracy_examples");
  m.source.test_accuracy = source.optional<double>("test_accuracy");
  if (const auto gc = source.optional_object("gc")) {
    for (const auto& [name, value] : gc->object().items()) m.source.gc[name] = gc_from(gc->object(name));
  }
  if (const auto nc = source.optional_object("nc")) m.source.nc = nc_from(*nc);
  if (const auto target = in.optional_object("target")) {
    m.target.emplace();
    if (const auto nc = target->optional_object("nc")) m.target->nc = nc_from(*nc);
    if (const auto fewshot = target->optional_object("fewshot")) {
      for (const auto& [classifier, unused] : fewshot->object().items()) {
        const auto by_shots = fewshot->object(classifier);
        for (const auto& [shots, value] : by_shots.object().items()) {
          std::int64_t k = 0;
          try {
            k = std::stoll(shots);
          } catch (const std::exception&) {
            throw RecordError("record field '" + by_shots.path_of(shots) + "' is not a shot count");
          }
          m.target->fewshot[classifier][k] = fewshot_from(by_shots.object(shots));
        }
      }
    }
  }
  return m;
}

}  // namespace

json to_json(const RunRecord& r) {
  json out = {{"schema_version", r.schema_version},
              {"run_id", r.run_id},
              {"training_id", r.training_id},
              {"suite", r.suite},
              {"description", r.description},
              {"index", r.index},
              {"variant", r.variant},
              {"seed", r.seed},
              {"swept", r.swept},
              {"config", r.config},
              {"run_dir", r.run_dir},
              {"started_at", r.started_at},
              {"provenance", to_json(r.provenance)},
              {"status", to_string(r.status)},
              {"seconds", r.seconds},
              {"training", to_json(r.training)},
              {"timings", r.timings}};
  if (!r.error.empty()) out["error"] = r.error;
  if (r.crash) {
    json crash = {{"stderr_tail", r.crash->stderr_tail}};
    put(crash, "signal", r.crash->signal);
    put(crash, "exit_code", r.crash->exit_code);
    out["crash"] = crash;
  }
  if (r.reused_from) out["reused_from"] = {{"index", r.reused_from->index}, {"run_dir", r.reused_from->run_dir}};
  if (r.network) out["network"] = {{"embedding_dim", r.network->embedding_dim}, {"parameters", r.network->parameters}};
  if (r.metrics) out["metrics"] = to_json(*r.metrics);
  if (r.evaluated_splits) {
    out["evaluated_splits"] = {{"source", r.evaluated_splits->source},
                               {"target", r.evaluated_splits->target ? json(*r.evaluated_splits->target) : json()},
                               {"gc", r.evaluated_splits->gc}};
  }
  if (!r.data_root.empty()) out["data_root"] = r.data_root;
  if (!r.data_digest.empty()) out["data_digest"] = r.data_digest;
  if (r.classes) out["classes"] = {{"source", r.classes->source}, {"target", r.classes->target}};
  if (!r.cpu_timings.empty()) out["cpu_timings"] = r.cpu_timings;
  if (r.peak_rss_bytes > 0) out["peak_rss_bytes"] = r.peak_rss_bytes;
  return out;
}

RunRecord run_record_from_json(const json& given) {
  const json upgraded = upgrade_record(given);
  const JsonFields in(upgraded, "");
  RunRecord r;
  r.schema_version = in.required<int>("schema_version");
  r.run_id = in.required<std::string>("run_id");
  r.training_id = in.required<std::string>("training_id");
  r.suite = in.required<std::string>("suite");
  r.description = in.value_or<std::string>("description", "");
  r.index = in.required<std::size_t>("index");
  r.variant = in.value_or<std::string>("variant", "");
  r.seed = in.required<std::int64_t>("seed");
  r.swept = in.object("swept").object();
  r.config = in.object("config").object();
  r.run_dir = in.required<std::string>("run_dir");
  r.started_at = in.required<std::string>("started_at");
  r.provenance = provenance_from(in.object("provenance"));
  r.status = status_from(in.required<std::string>("status"));
  r.error = in.value_or<std::string>("error", "");
  if (const auto crash = in.optional_object("crash")) {
    r.crash = Crash{crash->optional<int>("signal"), crash->optional<int>("exit_code"),
                    crash->value_or<std::string>("stderr_tail", "")};
  }
  r.seconds = in.required<double>("seconds");
  if (const auto reused = in.optional_object("reused_from")) {
    r.reused_from = ReusedFrom{reused->required<std::size_t>("index"), reused->required<std::string>("run_dir")};
  }
  if (const auto network = in.optional_object("network")) {
    r.network = NetworkSummary{network->required<std::int64_t>("embedding_dim"), network->required<std::int64_t>("parameters")};
  }
  r.training = training_from(in.object("training"));
  if (const auto metrics = in.optional_object("metrics")) r.metrics = metrics_from(*metrics);
  if (const auto splits = in.optional_object("evaluated_splits")) {
    r.evaluated_splits = EvaluatedSplits{splits->required<std::string>("source"), splits->optional<std::string>("target"),
                                         splits->required<std::string>("gc")};
  }
  r.data_root = in.value_or<std::string>("data_root", "");
  r.data_digest = in.value_or<std::string>("data_digest", "");
  if (const auto classes = in.optional_object("classes")) {
    r.classes = SplitClasses{classes->required<std::vector<std::string>>("source"),
                             classes->required<std::vector<std::string>>("target")};
  }
  for (const auto& [phase, seconds] : in.object("timings").object().items()) {
    r.timings[phase] = in.object("timings").required<double>(phase);
  }
  if (const auto cpu = in.optional_object("cpu_timings")) {
    for (const auto& [phase, seconds] : cpu->object().items()) r.cpu_timings[phase] = cpu->required<double>(phase);
  }
  r.peak_rss_bytes = in.value_or<std::int64_t>("peak_rss_bytes", 0);
  return r;
}

}  // namespace gcbench
