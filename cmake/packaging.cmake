# Installing and packaging: `cmake --install build --prefix ~/.local` puts lbsim (and, when built,
# lbsim-gui and lbsim-plot) in PREFIX/bin, the examples in PREFIX/share/lbsim/examples and the docs
# in PREFIX/share/doc/lbsim; `cpack --config build/CPackConfig.cmake` builds a Debian package of the
# same tree (installed under /usr), with its library dependencies found by dpkg-shlibdeps.
include(GNUInstallDirs)

install(TARGETS lbsim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
foreach(gui_program lbsim-gui lbsim-plot)
  if(TARGET ${gui_program})
    install(TARGETS ${gui_program} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endif()
endforeach()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/examples/ DESTINATION ${CMAKE_INSTALL_DATADIR}/lbsim/examples)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_PACKAGE_NAME lbsim)
set(CPACK_PACKAGE_VENDOR "lbsim")
set(CPACK_PACKAGE_CONTACT "lbsim maintainers <lbsim@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "deterministic discrete-event simulator of load balancing and scaling")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
include(CPack)
