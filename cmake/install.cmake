# Installation and packaging, included at the end of the top-level CMakeLists.txt:
#
#   cmake --install build [--prefix DIR]   the program, its names, man page, bash completion,
#                                          the libraries, headers, pkg-config and CMake package
#   cd build && cpack -G DEB               rigz_VERSION_ARCH.deb (the program) and
#                                          librigz-dev_VERSION_ARCH.deb (library and headers)
#
# Components: "runtime" (bin/, man page, completion) and "development" (everything else).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(_rigz_shared_default ON)
if(RIGZ_SANITIZE)
  set(_rigz_shared_default OFF)  # a sanitized shared library is of no use outside the tests
endif()
option(RIGZ_BUILD_SHARED "Also build and install the shared library librigz.so" ${_rigz_shared_default})

# --- The shared library: the objects of rigz_lib (made position-independent), exporting the
# public API only (cmake/librigz.map). 0.x releases promise no ABI across minor versions.
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(RIGZ_SOVERSION ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR})
else()
  set(RIGZ_SOVERSION ${PROJECT_VERSION_MAJOR})
endif()
if(RIGZ_BUILD_SHARED)
  set_property(TARGET rigz_lib PROPERTY POSITION_INDEPENDENT_CODE ON)
  add_library(rigz_shared SHARED $<TARGET_OBJECTS:rigz_lib>)
  target_link_libraries(rigz_shared PRIVATE ZLIB::ZLIB PkgConfig::DEFLATE ${ISAL_LIBRARY} Threads::Threads)
  set_target_properties(rigz_shared PROPERTIES
    OUTPUT_NAME rigz
    VERSION ${PROJECT_VERSION}
    SOVERSION ${RIGZ_SOVERSION}
    LINKER_LANGUAGE CXX
    LINK_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/librigz.map)
  target_link_options(rigz_shared PRIVATE "LINKER:--version-script=${CMAKE_CURRENT_LIST_DIR}/librigz.map"
                      "LINKER:--no-undefined")
endif()

# --- The other names of the program and of its man page and completion: symlinks made in the
# build tree (build/unrigz works too) and installed as they are.
set(_rigz_links ${CMAKE_BINARY_DIR}/rigz-links)
file(MAKE_DIRECTORY ${_rigz_links}/bin ${_rigz_links}/man1 ${_rigz_links}/completions)
foreach(name unrigz rigzcat)
  file(CREATE_LINK rigz ${CMAKE_BINARY_DIR}/${name} RESULT _rigz_ignored SYMBOLIC)
  file(CREATE_LINK rigz ${_rigz_links}/bin/${name} SYMBOLIC)
  file(CREATE_LINK rigz.1 ${_rigz_links}/man1/${name}.1 SYMBOLIC)
  file(CREATE_LINK rigz ${_rigz_links}/completions/${name} SYMBOLIC)
endforeach()

# --- runtime
install(TARGETS rigz RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
install(FILES ${_rigz_links}/bin/unrigz ${_rigz_links}/bin/rigzcat DESTINATION ${CMAKE_INSTALL_BINDIR}
        COMPONENT runtime)
install(FILES docs/rigz.1 ${_rigz_links}/man1/unrigz.1 ${_rigz_links}/man1/rigzcat.1
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT runtime)
install(FILES scripts/bash-completion/rigz ${_rigz_links}/completions/unrigz ${_rigz_links}/completions/rigzcat
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions COMPONENT runtime)

# --- development: libraries, headers, pkg-config file, CMake package
install(TARGETS rigz_lib ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT development)
if(RIGZ_BUILD_SHARED)
  install(TARGETS rigz_shared LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT development
          NAMELINK_COMPONENT development)
endif()
install(FILES include/rigz/rigz.h include/rigz/rigz.hpp DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/rigz
        COMPONENT development)

# rigz.pc finds the prefix from its own place (${pcfiledir}), so it holds wherever
# `cmake --install --prefix` puts it.
set(_rigz_pcdir ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(RIGZ_PC_PREFIX "")
  set(RIGZ_PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
  set(RIGZ_PC_INCLUDEDIR "${CMAKE_INSTALL_FULL_INCLUDEDIR}")
else()
  file(RELATIVE_PATH RIGZ_PC_PREFIX /prefix/${_rigz_pcdir} /prefix)
  string(REGEX REPLACE "/$" "" RIGZ_PC_PREFIX "${RIGZ_PC_PREFIX}")
  set(RIGZ_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
  if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
    set(RIGZ_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
  else()
    set(RIGZ_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
  endif()
endif()
# What a static link needs besides librigz.a. ISA-L ships a .pc file only in some versions.
set(RIGZ_PC_REQUIRES_PRIVATE "zlib libdeflate")
set(RIGZ_PC_LIBS_PRIVATE "-pthread -lstdc++")
pkg_check_modules(RIGZ_PC_ISAL QUIET libisal)
if(RIGZ_PC_ISAL_FOUND)
  string(APPEND RIGZ_PC_REQUIRES_PRIVATE " libisal")
else()
  string(PREPEND RIGZ_PC_LIBS_PRIVATE "-lisal ")
endif()
configure_file(${CMAKE_CURRENT_LIST_DIR}/rigz.pc.in ${CMAKE_BINARY_DIR}/rigz.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/rigz.pc DESTINATION ${_rigz_pcdir} COMPONENT development)

set(_rigz_cmakedir ${CMAKE_INSTALL_LIBDIR}/cmake/rigz)
set(RIGZ_STATIC_FILE ${CMAKE_STATIC_LIBRARY_PREFIX}rigz${CMAKE_STATIC_LIBRARY_SUFFIX})
set(RIGZ_SHARED_FILE ${CMAKE_SHARED_LIBRARY_PREFIX}rigz${CMAKE_SHARED_LIBRARY_SUFFIX}.${PROJECT_VERSION})
set(RIGZ_SHARED_SONAME ${CMAKE_SHARED_LIBRARY_PREFIX}rigz${CMAKE_SHARED_LIBRARY_SUFFIX}.${RIGZ_SOVERSION})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/rigzConfig.cmake.in ${CMAKE_BINARY_DIR}/rigzConfig.cmake
                              INSTALL_DESTINATION ${_rigz_cmakedir}
                              PATH_VARS CMAKE_INSTALL_LIBDIR CMAKE_INSTALL_INCLUDEDIR)
# 0.x: only the same minor version is compatible.
write_basic_package_version_file(${CMAKE_BINARY_DIR}/rigzConfigVersion.cmake VERSION ${PROJECT_VERSION}
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/rigzConfig.cmake ${CMAKE_BINARY_DIR}/rigzConfigVersion.cmake
        DESTINATION ${_rigz_cmakedir} COMPONENT development)

# --- Debian packages (cpack -G DEB, or `make deb`). The first line of a description is its
# summary (CPACK_PACKAGE_DESCRIPTION_SUMMARY would be put before it).
set(CPACK_PACKAGE_NAME rigz)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "the rigz authors")
set(CPACK_PACKAGE_CONTACT "rigz authors <rigz@example.org>")
set(CPACK_GENERATOR DEB)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_COMPONENTS_ALL runtime development)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME rigz)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION "parallel gzip that uses every core
rigz compresses and decompresses gzip files using every core. It takes gzip's and pigz's
options and writes standard gzip that any gzip reads. It installs the commands rigz,
unrigz and rigzcat.")
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_NAME librigz-dev)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_DEPENDS "libdeflate-dev, libisal-dev, zlib1g-dev")
set(CPACK_DEBIAN_DEVELOPMENT_DESCRIPTION "parallel gzip library: headers, static and shared library
The C++20 (rigz/rigz.hpp) and C (rigz/rigz.h) API of rigz, with a pkg-config file (rigz)
and a CMake package (find_package(rigz), targets rigz::rigz and rigz::shared).")
# The libraries the binaries load, with their versions, from dpkg-shlibdeps when it is there;
# the program links libstdc++ and libdeflate statically (CMakeLists.txt), so it loads ISA-L,
# zlib and libc.
find_program(RIGZ_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(RIGZ_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  set(CPACK_DEBIAN_RUNTIME_PACKAGE_DEPENDS "libisal2, zlib1g, libc6")
endif()
include(CPack)
