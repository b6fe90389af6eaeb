# Installing Steady as a Linux desktop application (README "Installing"): `cmake --install`
# puts everything under the prefix, and `cpack` makes the Debian package `steady`.
#   bin/steady
#   share/applications/APP_ID.desktop, share/metainfo/APP_ID.metainfo.xml (AppStream)
#   share/icons/hicolor/{scalable,16x16,...,256x256}/apps/APP_ID.{svg,png}
#   share/man/man1/steady.1.gz and steady-COMMAND.1.gz (help2man, from the real --help)
#   share/steady/protocols/*.toml (the built-in protocols), share/steady/scenarios/*.toml
#   lib/udev/rules.d/60-steady-ant.rules (PREFIX/lib: /usr/lib/udev/rules.d in the package)
#   share/doc/steady/{copyright,changelog.gz,README.md}
include(GNUInstallDirs)

set(STEADY_APP_ID io.github.steadyhrv.Steady)
set(STEADY_URL "https://github.com/steadyhrv/steady" CACHE STRING
    "The project's public address (AppStream homepage, the package's Homepage)")
set(STEADY_DOCS_URL "https://raw.githubusercontent.com/steadyhrv/steady/main/docs" CACHE STRING
    "Where the published docs/ images are (AppStream screenshots)")
set(STEADY_LICENSE "LicenseRef-proprietary" CACHE STRING
    "SPDX expression of Steady's license (AppStream project_license)")
set(STEADY_MAINTAINER "The Steady developers <steady@steadyhrv.github.io>" CACHE STRING
    "The Debian package's Maintainer")

find_program(HELP2MAN help2man)
steady_require_package(HELP2MAN "help2man" "help2man" "<none: required for the manual pages>")
find_program(RSVG_CONVERT rsvg-convert)
steady_require_package(RSVG_CONVERT "rsvg-convert" "librsvg2-bin" "<none: required for the icons>")
find_program(GZIP gzip REQUIRED)

# The release date is the commit's, so a rebuild of the same commit makes the same files.
execute_process(COMMAND git log -1 --format=%cs WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    OUTPUT_VARIABLE STEADY_RELEASE_DATE OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT STEADY_RELEASE_DATE)
    string(TIMESTAMP STEADY_RELEASE_DATE "%Y-%m-%d" UTC)
endif()
set(data ${PROJECT_SOURCE_DIR}/data)
set(out ${PROJECT_BINARY_DIR}/data)
configure_file(${data}/${STEADY_APP_ID}.metainfo.xml.in ${out}/${STEADY_APP_ID}.metainfo.xml
    @ONLY)

install(TARGETS steady RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${data}/${STEADY_APP_ID}.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES ${out}/${STEADY_APP_ID}.metainfo.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
install(FILES ${data}/icons/${STEADY_APP_ID}.svg
    DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/protocols/ DESTINATION ${CMAKE_INSTALL_DATADIR}/steady/protocols
    FILES_MATCHING PATTERN "*.toml")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/examples/scenarios/
    DESTINATION ${CMAKE_INSTALL_DATADIR}/steady/scenarios FILES_MATCHING PATTERN "*.toml")
# Under the prefix, not the multiarch libdir: udev reads /usr/lib/udev/rules.d.
install(FILES ${PROJECT_SOURCE_DIR}/tools/udev/60-steady-ant.rules DESTINATION lib/udev/rules.d)

# Icons: the SVG drawn at each size the hicolor theme lists.
set(generated)
foreach(size 16 24 32 48 64 128 256)
    set(png ${out}/icons/${size}x${size}/${STEADY_APP_ID}.png)
    add_custom_command(OUTPUT ${png}
        COMMAND ${CMAKE_COMMAND} -E make_directory ${out}/icons/${size}x${size}
        COMMAND ${RSVG_CONVERT} -w ${size} -h ${size} -o ${png} ${data}/icons/${STEADY_APP_ID}.svg
        DEPENDS ${data}/icons/${STEADY_APP_ID}.svg VERBATIM)
    list(APPEND generated ${png})
    install(FILES ${png} DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps)
endforeach()

# Manual pages from the real --help (help2man), git's naming: steady.1, steady-record.1 ...
# Made with HOME=~ and no XDG variables, so the paths they show read ~/.local/share/...
# tests/install checks this list against `steady --help`, so a new command gets its page.
set(STEADY_MAN_COMMANDS
    "analyze|HRV analysis of RR-interval files, as Kubios HRV computes it"
    "record|run a training session without the window and store it"
    "sessions|list, show, summarize, export and copy stored sessions"
    "scan|list the heart-rate sensors this computer can find"
    "triggers|list episodes of arousal with their fitted recovery"
    "progress|recovery, practice and resting HRV by week, with the trend"
    "import|store past recordings as sessions"
    "clients|the people whose sessions are kept apart"
    "protocols|the scripted protocols, built-in and yours"
    "report|write a PDF report of a session or of a client's sessions"
    "sync|send the practice's server what this workstation has")
set(help_env env -u XDG_DATA_HOME -u XDG_CONFIG_HOME -u STEADY_ANT_NETWORK_KEY HOME=~ COLUMNS=80)
set(see_also ".BR steady (1)")
foreach(entry ${STEADY_MAN_COMMANDS})
    string(REPLACE "|" ";" parts "${entry}")
    list(GET parts 0 cmd)
    string(APPEND see_also ",\n.BR steady-${cmd} (1)")
endforeach()
file(WRITE ${out}/man/see-also.h2m "[SEE ALSO]\n${see_also}\n")
set(man_pages)
foreach(entry "|HRV biofeedback trainer: paced breathing with your heart rhythm on screen"
        ${STEADY_MAN_COMMANDS})
    string(REPLACE "|" ";" parts "${entry}")
    list(LENGTH parts n)
    if(n EQUAL 1)  # the main page: an empty command
        set(cmd "")
        list(GET parts 0 what)
    else()
        list(GET parts 0 cmd)
        list(GET parts 1 what)
    endif()
    if(cmd)
        set(page steady-${cmd})
    else()
        set(page steady)
    endif()
    # help2man names the page after the program it runs: a wrapper of that name.
    file(GENERATE OUTPUT ${out}/man/bin/${page}
        CONTENT "#!/bin/sh\nexec \"$<TARGET_FILE:steady>\" ${cmd} \"$@\"\n"
        FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ WORLD_READ)
    add_custom_command(OUTPUT ${out}/man/${page}.1.gz
        COMMAND ${help_env} ${HELP2MAN} --no-info --no-discard-stderr
            --version-string=${PROJECT_VERSION} --section=1 --source=Steady
            --manual=Steady --name=${what} --include=${out}/man/see-also.h2m
            --output=${out}/man/${page}.1 ${out}/man/bin/${page}
        # Left-aligned, not justified: long paths in the options cannot be spread.
        COMMAND sed -i "/^\\.TH /a .ad l" ${out}/man/${page}.1
        COMMAND ${GZIP} -9nf ${out}/man/${page}.1
        DEPENDS steady ${out}/man/see-also.h2m VERBATIM)
    list(APPEND man_pages ${out}/man/${page}.1.gz)
endforeach()
install(FILES ${man_pages} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

# Debian wants the changelog compressed, and the copyright beside it.
add_custom_command(OUTPUT ${out}/changelog.gz
    COMMAND ${GZIP} -9nc ${data}/changelog > ${out}/changelog.gz
    DEPENDS ${data}/changelog VERBATIM)
install(FILES ${data}/copyright ${out}/changelog.gz ${PROJECT_SOURCE_DIR}/README.md
    DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/steady)
add_custom_target(steady_install_files ALL DEPENDS ${generated} ${man_pages} ${out}/changelog.gz)

# The Debian package: `cpack -G DEB` in the build folder (tools/package).
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME steady)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${STEADY_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${STEADY_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "HRV biofeedback trainer: paced breathing that answers your heart")
string(JOIN "\n" CPACK_PACKAGE_DESCRIPTION
    "Steady paces slow breathing (4-7-8, or a resonance rate) and shows beat by"
    "beat how the heart answers, from a Bluetooth LE or ANT+ chest strap. It"
    "computes heart rate variability as Kubios HRV does, tracks how quickly one"
    "recovers after a trigger, and has a clinician mode with clients, scripted"
    "protocols, resonance-frequency assessment, a client display, PDF reports"
    "and EDF+ export.")
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${STEADY_URL}")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The window's font; bluez for BLE straps.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "fonts-dejavu-core")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "bluez")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_FILE_NAME steady)  # overridden by DEB-DEFAULT: steady_VERSION_ARCH.deb
set(CPACK_OUTPUT_FILE_PREFIX ${PROJECT_BINARY_DIR}/package)
include(CPack)
