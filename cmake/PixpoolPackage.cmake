# What pixpool offers other projects: namespaced targets (pixpool::pool,
# pixpool::filters, pixpool::image, pixpool::frames and pixpool::pixpool for
# all), the same in the build tree (add_subdirectory) and once installed
# (find_package(pixpool 0.2 CONFIG)), plus pkg-config files.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# library target -> exported name and pkg-config module
set(pixpool_libraries pixpool_pool:pool pixpool_filters:filters pixpool_src:image pixpool_frames:frames)
set(pixpool_exported)
set(pixpool_exported_names)
foreach(entry ${pixpool_libraries})
  string(REPLACE ":" ";" entry "${entry}")
  list(GET entry 0 target)
  list(GET entry 1 name)
  if(NOT TARGET ${target})
    continue()
  endif()
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${name} OUTPUT_NAME pixpool_${name})
  add_library(pixpool::${name} ALIAS ${target})
  # The modules name their public include/ folder; installed, it is <prefix>/include.
  get_target_property(public_dirs ${target} INTERFACE_INCLUDE_DIRECTORIES)
  set_target_properties(${target} PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "$<BUILD_INTERFACE:${public_dirs}>")
  target_include_directories(${target} INTERFACE $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  list(APPEND pixpool_exported ${target})
  list(APPEND pixpool_exported_names ${name})
endforeach()

add_library(pixpool_all INTERFACE)
set_target_properties(pixpool_all PROPERTIES EXPORT_NAME pixpool)
target_link_libraries(pixpool_all INTERFACE ${pixpool_exported})
add_library(pixpool::pixpool ALIAS pixpool_all)

if(NOT PIXPOOL_INSTALL)
  return()
endif()

install(TARGETS ${pixpool_exported} pixpool_all EXPORT pixpoolTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
foreach(module pool filters src frames)
  if(EXISTS ${PROJECT_SOURCE_DIR}/${module}/include)
    install(DIRECTORY ${PROJECT_SOURCE_DIR}/${module}/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  endif()
endforeach()
# OpenCV's codecs, loaded on demand (src/codecs/opencv_module.hpp).
if(TARGET pixpool_opencv_codecs)
  install(TARGETS pixpool_opencv_codecs LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/pixpool)
endif()
if(TARGET pixpool)
  install(TARGETS pixpool RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  install(TARGETS pixpool-video RUNTIME DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/pixpool)
endif()

set(pixpool_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/pixpool)
install(EXPORT pixpoolTargets NAMESPACE pixpool:: DESTINATION ${pixpool_cmake_dir})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/pixpoolConfig.cmake.in
  ${PROJECT_BINARY_DIR}/pixpoolConfig.cmake INSTALL_DESTINATION ${pixpool_cmake_dir})
# 0.x: a minor version may change the API, so 0.2 accepts 0.2.* only.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/pixpoolConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/pixpoolConfig.cmake ${PROJECT_BINARY_DIR}/pixpoolConfigVersion.cmake
  DESTINATION ${pixpool_cmake_dir})

# pkg-config: one file per library, and pixpool.pc for all of them. The
# libraries are static, so what they link goes in Requires/Libs.
# Relocatable: the prefix is found from where the .pc file lies.
file(RELATIVE_PATH PC_PREFIX_FROM_PCFILEDIR /${CMAKE_INSTALL_LIBDIR}/pkgconfig /)
set(pc_requires_pool "")
set(pc_requires_filters "opencv4")
set(pc_requires_frames "pixpool-filters pixpool-pool opencv4")
set(pc_requires_image "pixpool-filters pixpool-pool opencv4 spdlog exiv2 libjpeg libwebp libwebpdemux libheif libgif libpng libtiff-4")
set(pc_all_requires "")
foreach(name ${pixpool_exported_names})
  set(PC_NAME pixpool-${name})
  set(PC_DESCRIPTION "pixpool ${name} library")
  set(PC_REQUIRES "${pc_requires_${name}}")
  set(PC_LIBS "-lpixpool_${name}")
  configure_file(${CMAKE_CURRENT_LIST_DIR}/pixpool.pc.in ${PROJECT_BINARY_DIR}/pkgconfig/pixpool-${name}.pc @ONLY)
  string(APPEND pc_all_requires " pixpool-${name}")
endforeach()
set(PC_NAME pixpool)
set(PC_DESCRIPTION "pixpool: image processing on a process pool (every library)")
set(PC_REQUIRES "${pc_all_requires}")
set(PC_LIBS "")
configure_file(${CMAKE_CURRENT_LIST_DIR}/pixpool.pc.in ${PROJECT_BINARY_DIR}/pkgconfig/pixpool.pc @ONLY)
install(DIRECTORY ${PROJECT_BINARY_DIR}/pkgconfig/ DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
