// A plugin of another LibTorch whose loading alone would kill the process, as
// loading a second LibTorch does (its static initialisers collide with the
// harness's): it must be refused from its file, never loaded.
#include <gcbench/plugin.hpp>

#undef GCBENCH_LIBTORCH_VERSION
#define GCBENCH_LIBTORCH_VERSION "0.0.2-test"

#define ABORTING_PLUGIN_NAME "wrong_torch_aborts"
#include "aborting_architecture.inc"
