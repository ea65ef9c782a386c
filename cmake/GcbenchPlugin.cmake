# gcbench_add_plugin(NAME KIND <architecture|dataset|gc_estimator> SOURCES src... [LIBRARIES lib...]
#                    [DATA file...] [NO_INSTALL])
#
# Builds a gcbench plugin: a shared library named gcbench_<KIND>_<NAME>.so (the
# only names the harness loads) in GCBENCH_PLUGIN_OUTPUT_DIR (default: this
# folder's build folder), linked to the plugin SDK, exporting only what
# GCBENCH_REGISTER_* exports, and linked with -Wl,--no-undefined so a missing
# symbol fails the link rather than the load. `cmake --install` puts it in
# <prefix>/lib/gcbench/plugins, unless NO_INSTALL. After `find_package(gcbench)`
# this function and the target gcbench::sdk are all a plugin's CMakeLists.txt needs.
# DATA: files the plugin reads at run time (a class list, a split, a licence),
# copied beside the library into gcbench_<KIND>_<NAME>.data/ in the build tree
# and installed there too, so the plugin finds them with
# gcbench::plugin_data_folder() wherever it lies.
function(gcbench_add_plugin name)
  cmake_parse_arguments(PLUGIN "NO_INSTALL" "KIND" "SOURCES;LIBRARIES;DATA" ${ARGN})
  set(kinds architecture dataset gc_estimator)
  if(NOT PLUGIN_KIND IN_LIST kinds)
    message(FATAL_ERROR "gcbench_add_plugin(${name}): KIND must be one of ${kinds}, not '${PLUGIN_KIND}'")
  endif()
  if(NOT PLUGIN_SOURCES)
    message(FATAL_ERROR "gcbench_add_plugin(${name}): give SOURCES")
  endif()
  if(NOT name MATCHES "^[a-z0-9_]+$")
    message(FATAL_ERROR "gcbench_add_plugin(${name}): a plugin name is lower-case letters, digits and '_'")
  endif()
  set(target gcbench_${PLUGIN_KIND}_${name})
  add_library(${target} MODULE ${PLUGIN_SOURCES})
  target_link_libraries(${target} PRIVATE gcbench::sdk ${PLUGIN_LIBRARIES})
  target_link_options(${target} PRIVATE -Wl,--no-undefined)
  set(output_dir ${GCBENCH_PLUGIN_OUTPUT_DIR})
  if(NOT output_dir)
    set(output_dir ${CMAKE_CURRENT_BINARY_DIR})
  endif()
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY ${output_dir})
  # One copy command per file, as the target's sources: a changed data file is copied again without a relink.
  set(data_dir ${output_dir}/${target}.data)
  set(data_copies)
  foreach(file IN LISTS PLUGIN_DATA)
    get_filename_component(source ${file} ABSOLUTE)
    get_filename_component(file_name ${file} NAME)
    add_custom_command(OUTPUT ${data_dir}/${file_name}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${data_dir}
      COMMAND ${CMAKE_COMMAND} -E copy_if_different ${source} ${data_dir}/${file_name}
      DEPENDS ${source} VERBATIM)
    list(APPEND data_copies ${data_dir}/${file_name})
  endforeach()
  if(data_copies)
    target_sources(${target} PRIVATE ${data_copies})
  endif()
  if(NOT PLUGIN_NO_INSTALL)
    install(TARGETS ${target} LIBRARY DESTINATION lib/gcbench/plugins)
    if(PLUGIN_DATA)
      install(FILES ${PLUGIN_DATA} DESTINATION lib/gcbench/plugins/${target}.data)
    endif()
  endif()
endfunction()
