# The man page and the install rules. daemonsim(1) is generated from the
# --help texts by running the freshly built binary (cmake/help-to-man.sh), so
# the page always says what the help says.
include(GNUInstallDirs)

set(DS_MAN_PAGE ${PROJECT_BINARY_DIR}/daemonsim.1)
add_custom_command(
  OUTPUT ${DS_MAN_PAGE}
  COMMAND sh ${PROJECT_SOURCE_DIR}/cmake/help-to-man.sh $<TARGET_FILE:daemonsim>
          ${PROJECT_VERSION} ${DS_MAN_PAGE}
  DEPENDS daemonsim ${PROJECT_SOURCE_DIR}/cmake/help-to-man.sh
  COMMENT "Generating daemonsim.1 from the --help texts"
  VERBATIM)
add_custom_target(man ALL DEPENDS ${DS_MAN_PAGE})

install(TARGETS daemonsim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${DS_MAN_PAGE} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
