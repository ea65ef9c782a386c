// A library that says it is a plugin but exports no factory.
#include <gcbench/plugin.hpp>

namespace {
int abi() { return GCBENCH_ABI_VERSION; }
}  // namespace

BOOST_DLL_ALIAS(abi, gcbench_abi_version)
