// The fields of the run record, each part's listed once. Writing (to_json) and
// reading (run_record_from_json) both walk these lists, so a field is added,
// renamed or made optional here and nowhere else; the schema history and
// upgrade_record (run_record.hpp) say what older records lack.
//
// How each field is written and read:
//   required(name, x)        always written; reading fails naming the field without it
//   defaulted(name, x)       always written; absent (or null) reads as x's default
//   unless_default(name, x)  written unless x is its default (empty, 0); absent reads as the default
//   optional(name, x)        std::optional, written when set; absent or null reads as none
//   nullable(name, x)        std::optional, written as null when not set; absent or null reads as none
//   group(name, f)           a nested object whose fields f lists
// A part (a struct below) is written as an object, a map as an object by key,
// a vector of parts as a list.
#pragma once

#include "record/run_record.hpp"

namespace gcbench {

// Fields<T>::visit(v, x) lists the fields of part T; specialised for each part.
template <class T>
struct Fields;

template <>
struct Fields<PluginVersion> {
  template <class V, class S>
  static void visit(V& v, S& p) {
    v.required("name", p.name);
    v.required("version", p.version);
    v.unless_default("sha256", p.sha256);
  }
};

template <>
struct Fields<Provenance> {
  template <class V, class S>
  static void visit(V& v, S& p) {
    v.required("gcbench_version", p.gcbench_version);
    v.required("git_revision", p.git_revision);
    v.required("libtorch_version", p.libtorch_version);
    v.optional("libtorch_cuda", p.libtorch_cuda);
    v.required("libtorch_cuda_version", p.libtorch_cuda_version);
    v.required("libtorch_cudnn_version", p.libtorch_cudnn_version);
    v.required("hostname", p.hostname);
    v.required("threads", p.threads);
    v.required("cores", p.cores);
    v.required("cpu_model", p.cpu_model);
    v.unless_default("cpu_isa", p.cpu_isa);
    v.required("blas", p.blas);
    v.optional("math_libraries", p.math_libraries);
    v.optional("thread_environment", p.thread_environment);
    v.required("compiler", p.compiler);
    v.required("device", p.device);
    v.required("device_model", p.device_model);
    v.required("device_requested", p.device_requested);
    v.required("device_fallback", p.device_fallback);
    v.group("plugins", [&p](auto& plugins) {
      plugins.required("dataset", p.dataset);
      plugins.required("architecture", p.architecture);
      plugins.unless_default("gc_estimators", p.gc_estimators);
    });
  }
};

template <>
struct Fields<NetworkSummary> {
  template <class V, class S>
  static void visit(V& v, S& n) {
    v.required("embedding_dim", n.embedding_dim);
    v.required("parameters", n.parameters);
  }
};

template <>
struct Fields<TrajectoryPoint> {
  template <class V, class S>
  static void visit(V& v, S& t) {
    v.required("step", t.step);
    v.required("epoch", t.epoch);
    v.required("lr", t.lr);
    v.nullable("loss", t.loss);
    v.nullable("accuracy", t.accuracy);
    v.required("gc", t.gc);
    v.nullable("gc_standard_error", t.gc_standard_error);
    v.required("nc_cdnv", t.nc_cdnv);
    v.required("nc1", t.nc1);
    v.required("seconds", t.seconds);
  }
};

template <>
struct Fields<TrainingSummary> {
  template <class V, class S>
  static void visit(V& v, S& t) {
    v.required("trained", t.trained);
    v.optional("trained_in_run", t.trained_in_run);
    v.unless_default("from_checkpoint", t.from_checkpoint);
    v.unless_default("checkpoint", t.checkpoint);
    v.optional("steps", t.steps);
    v.optional("epochs_completed", t.epochs_completed);
    v.optional("final_loss", t.final_loss);
    v.optional("running_train_accuracy", t.running_train_accuracy);
    v.optional("parameter_norm", t.parameter_norm);
    v.optional("final_gc_penalty_estimate", t.final_gc_penalty_estimate);
    v.optional("diverged_at_step", t.diverged_at_step);
    v.unless_default("trajectory", t.trajectory);
  }
};

template <>
struct Fields<GcMeasurement> {
  template <class V, class S>
  static void visit(V& v, S& gc) {
    v.required("value", gc.value);
    v.nullable("standard_error", gc.standard_error);
    v.required("backward_passes", gc.backward_passes);
    v.required("seconds", gc.seconds);
    v.required("examples", gc.examples);
  }
};

template <>
struct Fields<NcMeasurement> {
  template <class V, class S>
  static void visit(V& v, S& nc) {
    v.required("cdnv", nc.cdnv);
    v.required("cdnv_pairwise", nc.cdnv_pairwise);
    v.required("nc1", nc.nc1);
    v.required("nc1_sigma_b_rank", nc.nc1_sigma_b_rank);
    v.required("nc2_equinorm", nc.nc2_equinorm);
    v.required("nc2_equiangularity", nc.nc2_equiangularity);
    v.required("nc2_etf_distance", nc.nc2_etf_distance);
    v.optional("nc3", nc.nc3);
    v.optional("nc4", nc.nc4);
    v.required("classes", nc.classes);
    v.required("examples", nc.examples);
  }
};

template <>
struct Fields<FewShotMeasurement> {
  template <class V, class S>
  static void visit(V& v, S& f) {
    v.required("ways", f.ways);
    v.required("shots", f.shots);
    v.required("queries", f.queries);
    v.required("episodes", f.episodes);
    v.required("mean", f.mean);
    v.required("ci95", f.ci95);
    v.required("per_episode", f.per_episode);
    v.required("seconds", f.seconds);
  }
};

template <>
struct Fields<SourceMetrics> {
  template <class V, class S>
  static void visit(V& v, S& m) {
    v.optional("train_accuracy", m.train_accuracy);
    v.optional("train_accuracy_examples", m.train_accuracy_examples);
    v.optional("test_accuracy", m.test_accuracy);
    v.unless_default("gc", m.gc);
    v.optional("nc", m.nc);
  }
};

template <>
struct Fields<TargetMetrics> {
  template <class V, class S>
  static void visit(V& v, S& m) {
    v.optional("nc", m.nc);
    v.unless_default("fewshot", m.fewshot);  // classifier -> shots -> result
  }
};

template <>
struct Fields<Metrics> {
  template <class V, class S>
  static void visit(V& v, S& m) {
    v.required("source", m.source);
    v.nullable("target", m.target);  // null: a source-only dataset has no target classes
  }
};

template <>
struct Fields<EvaluatedSplits> {
  template <class V, class S>
  static void visit(V& v, S& e) {
    v.required("source", e.source);
    v.nullable("target", e.target);
    v.required("gc", e.gc);
  }
};

template <>
struct Fields<SplitClasses> {
  template <class V, class S>
  static void visit(V& v, S& c) {
    v.required("source", c.source);
    v.required("target", c.target);
  }
};

template <>
struct Fields<ReusedFrom> {
  template <class V, class S>
  static void visit(V& v, S& r) {
    v.required("index", r.index);
    v.required("run_dir", r.run_dir);
  }
};

template <>
struct Fields<Crash> {
  template <class V, class S>
  static void visit(V& v, S& c) {
    v.optional("signal", c.signal);
    v.optional("exit_code", c.exit_code);
    v.defaulted("stderr_tail", c.stderr_tail);
  }
};

template <>
struct Fields<RunOutcome> {
  template <class V, class S>
  static void visit(V& v, S& r) {
    v.required("status", r.status);
    v.unless_default("error", r.error);
    v.optional("crash", r.crash);
    v.required("seconds", r.seconds);
    v.optional("network", r.network);
    v.required("training", r.training);
    v.optional("metrics", r.metrics);
    v.optional("evaluated_splits", r.evaluated_splits);
    v.unless_default("data_root", r.data_root);
    v.unless_default("data_digest", r.data_digest);
    v.unless_default("data_sources", r.data_sources);
    v.optional("classes", r.classes);
    v.required("timings", r.timings);
    v.unless_default("cpu_timings", r.cpu_timings);
    v.unless_default("peak_rss_bytes", r.peak_rss_bytes);
  }
};

template <>
struct Fields<RunRecord> {
  template <class V, class S>
  static void visit(V& v, S& r) {
    v.required("schema_version", r.schema_version);
    v.required("run_id", r.run_id);
    v.required("training_id", r.training_id);
    v.required("suite", r.suite);
    v.defaulted("description", r.description);
    v.required("index", r.index);
    v.defaulted("variant", r.variant);
    v.required("seed", r.seed);
    v.required("swept", r.swept);
    v.required("config", r.config);
    v.required("run_dir", r.run_dir);
    v.required("started_at", r.started_at);
    v.required("provenance", r.provenance);
    v.optional("reused_from", r.reused_from);
    Fields<RunOutcome>::visit(v, static_cast<std::conditional_t<std::is_const_v<S>, const RunOutcome&, RunOutcome&>>(r));
  }
};

}  // namespace gcbench
