// A plugin of this gcbench's own build whose static initialiser aborts (a
// missing file read at load time, an assert): loading it must not take the
// harness down.
#include <gcbench/plugin.hpp>

#define ABORTING_PLUGIN_NAME "aborts_when_loaded"
#include "aborting_architecture.inc"
