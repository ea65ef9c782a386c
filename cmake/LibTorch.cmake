# Which LibTorch gcbench builds against, and the few ways two LibTorch builds
# differ for us: where it is found, its C++ standard library ABI and whether it
# carries CUDA. Everything else in the tree is the same for both.
#
#   default                  the system LibTorch (Debian's libtorch-dev, 1.13, CPU)
#   -DGCBENCH_TORCH_PYTHON=PYTHON
#                            the LibTorch inside that Python's `torch` package (pip,
#                            2.x, CUDA-enabled on Linux); found through
#                            torch.utils.cmake_prefix_path. `bash ci/setup.sh
#                            --libtorch pip` makes such a Python.
#   -DCMAKE_PREFIX_PATH=DIR  a LibTorch zip unpacked at DIR (e.g. the CUDA zip)
#
# A CUDA LibTorch needs the CUDA toolkit (nvcc, the CUDA runtime headers and
# libraries) to be linked against. Without one, configuring stops here with the
# reason: a CUDA LibTorch cannot be linked as a CPU one, so there is no quiet
# CPU-only fallback to offer.
#
# Sets GCBENCH_WITH_CUDA (ON when the LibTorch carries CUDA). LibTorch 2.10 and
# later put cxx_std_20 on their own target, so what links torch compiles as C++20
# there and as C++17 on 1.13; gcbench's code is written to compile as both.

set(GCBENCH_TORCH_PYTHON "" CACHE FILEPATH "A Python whose torch package's LibTorch gcbench builds against (default: the system LibTorch)")

# The C++ standard library ABI of everything else we link (fmt, spdlog, Boost,
# SQLiteCpp...): the compiler's default on this system.
include(CheckCXXSourceCompiles)
check_cxx_source_compiles("
#include <string>
#if !_GLIBCXX_USE_CXX11_ABI
#error old ABI
#endif
int main() { return 0; }" GCBENCH_SYSTEM_CXX11_ABI)
if(GCBENCH_SYSTEM_CXX11_ABI)
  set(system_abi 1)
else()
  set(system_abi 0)
endif()

if(GCBENCH_TORCH_PYTHON)
  set(query [=[
import sys
try:
    import torch, torch.utils
except Exception as error:
    print("error=" + repr(error)); sys.exit(0)
print("prefix=" + torch.utils.cmake_prefix_path)
print("version=" + torch.__version__)
print("cxx11_abi=" + str(int(torch.compiled_with_cxx11_abi())))
print("cuda=" + (torch.version.cuda or ""))
]=])
  execute_process(COMMAND ${GCBENCH_TORCH_PYTHON} -c "${query}"
    OUTPUT_VARIABLE answer ERROR_VARIABLE python_error RESULT_VARIABLE python_status)
  if(NOT python_status EQUAL 0)
    message(FATAL_ERROR "GCBENCH_TORCH_PYTHON=${GCBENCH_TORCH_PYTHON} did not run (${python_status}): ${python_error}\n"
      "Point it at the python of a virtual environment with torch installed (bash ci/setup.sh --libtorch pip makes one).")
  endif()
  string(REGEX MATCH "error=([^\n]*)" _ "${answer}")
  if(CMAKE_MATCH_1)
    message(FATAL_ERROR "GCBENCH_TORCH_PYTHON=${GCBENCH_TORCH_PYTHON} cannot import torch: ${CMAKE_MATCH_1}\n"
      "Install it there (bash ci/setup.sh --libtorch pip does), or point GCBENCH_TORCH_PYTHON at a python that has it.")
  endif()
  foreach(field prefix version cxx11_abi cuda)
    string(REGEX MATCH "${field}=([^\n]*)" _ "${answer}")
    set(torch_${field} "${CMAKE_MATCH_1}")
  endforeach()
  if(NOT EXISTS "${torch_prefix}/Torch/TorchConfig.cmake")
    message(FATAL_ERROR "The torch ${torch_version} of ${GCBENCH_TORCH_PYTHON} has no CMake files "
      "(${torch_prefix}/Torch/TorchConfig.cmake is missing), so its LibTorch cannot be built against. "
      "Install a torch wheel from the Python package index (they carry share/cmake), or use the LibTorch zip "
      "with -DCMAKE_PREFIX_PATH.")
  endif()
  if(NOT torch_cxx11_abi STREQUAL system_abi)
    message(FATAL_ERROR "The torch ${torch_version} of ${GCBENCH_TORCH_PYTHON} was built with "
      "_GLIBCXX_USE_CXX11_ABI=${torch_cxx11_abi}, but this system's libraries (fmt, spdlog, Boost, SQLiteCpp) use "
      "_GLIBCXX_USE_CXX11_ABI=${system_abi}; std::string and std::list cannot cross between them. Install a torch "
      "built with the ${system_abi} ABI (pip wheels from 2.7 on use the C++11 ABI), or the LibTorch zip whose name "
      "says cxx11-abi.")
  endif()
  if(torch_cuda)
    find_package(CUDAToolkit QUIET)
    if(NOT CUDAToolkit_FOUND)
      message(FATAL_ERROR "The torch ${torch_version} of ${GCBENCH_TORCH_PYTHON} is built with CUDA ${torch_cuda}, "
        "and linking against it needs the CUDA toolkit (nvcc, CUDA runtime headers), which CMake did not find. "
        "Install the toolkit (a 13.x for CUDA 13 wheels) and put its bin/ on PATH or set CUDAToolkit_ROOT; or install "
        "the CPU wheel (pip install torch --index-url <the PyTorch CPU index>) for a CPU-only build.")
    endif()
  endif()
  # The package's root too: TorchConfig looks for libtorch.so and libc10.so on the
  # prefix path before its own folder, and a system LibTorch must not win there.
  get_filename_component(torch_root "${torch_prefix}/../.." ABSOLUTE)
  list(PREPEND CMAKE_PREFIX_PATH "${torch_root}" "${torch_prefix}")
  # The CUDA libraries pip installed beside torch (nvidia/*/lib) are the ones it
  # was built with: a newer CUDA than a system toolkit may hold (the wheel's 13.2
  # against a 13.0 toolkit here), with symbols the older ones lack. Programs find
  # them before any system copy, at link time and at run time, installed too.
  file(GLOB pip_cuda_libraries LIST_DIRECTORIES true "${torch_root}/../nvidia/*/lib")
  if(pip_cuda_libraries)
    list(JOIN pip_cuda_libraries ":" joined)
    add_link_options("LINKER:-rpath-link,${joined}" "LINKER:-rpath,${joined}")
  endif()
  set(CMAKE_INSTALL_RPATH_USE_LINK_PATH ON)  # the installed gcbench finds this LibTorch too
  set(GCBENCH_TORCH_SOURCE "pip torch ${torch_version} (${GCBENCH_TORCH_PYTHON})")
else()
  set(GCBENCH_TORCH_SOURCE "system")
endif()

find_package(Torch REQUIRED)

# The pip wheel's include folder carries fmt 12's headers beside ATen and c10.
# Being on the include path before /usr/include, they would shadow Debian's fmt 9,
# which gcbench and spdlog link against: objects compiled against one fmt and
# linked against the other. So the build sees LibTorch's include folder through
# a view of it without fmt/ (LibTorch's headers that gcbench includes use no fmt).
list(GET TORCH_INCLUDE_DIRS 0 torch_include)
if(EXISTS "${torch_include}/fmt")
  set(view "${CMAKE_BINARY_DIR}/libtorch-include")
  file(REMOVE_RECURSE "${view}")
  file(MAKE_DIRECTORY "${view}")
  file(GLOB entries RELATIVE "${torch_include}" "${torch_include}/*")
  foreach(entry IN LISTS entries)
    if(NOT entry STREQUAL "fmt")
      file(CREATE_LINK "${torch_include}/${entry}" "${view}/${entry}" SYMBOLIC)
    endif()
  endforeach()
  foreach(target c10 c10_cuda torch_cpu torch_cuda torch)
    if(TARGET ${target})
      get_target_property(includes ${target} INTERFACE_INCLUDE_DIRECTORIES)
      if(includes)
        string(REPLACE "${torch_include}" "${view}" includes "${includes}")
        set_target_properties(${target} PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${includes}")
      endif()
    endif()
  endforeach()
  string(REPLACE "${torch_include}" "${view}" TORCH_INCLUDE_DIRS "${TORCH_INCLUDE_DIRS}")
endif()

if(TORCH_CUDA_LIBRARIES)
  set(GCBENCH_WITH_CUDA ON)
else()
  set(GCBENCH_WITH_CUDA OFF)
endif()

message(STATUS "gcbench: LibTorch ${Torch_VERSION} (${GCBENCH_TORCH_SOURCE}), _GLIBCXX_USE_CXX11_ABI=${system_abi}, CUDA ${GCBENCH_WITH_CUDA}")
