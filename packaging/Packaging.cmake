# Desktop integration and the Debian package (cpack -G DEB in the build folder; a release
# build: cmake --preset release && cmake --build --preset release && cpack --config
# build/release/CPackConfig.cmake). scripts/package-check.sh builds, lints and installs it in a
# clean Debian 12 root; packaging/README.md lists what lintian still says and why.
set(TESSERA_HOMEPAGE_URL "" CACHE STRING
  "Public web address of the project: the AppStream homepage and the base of its screenshot URLs (docs/images/...); empty leaves both out")

set(packaging_out ${PROJECT_BINARY_DIR}/packaging)
file(MAKE_DIRECTORY ${packaging_out})

# AppStream accepts only web URLs for a homepage and screenshots, so they are written only when
# the project has an address to point at.
set(TESSERA_APPSTREAM_URLS "")
if(TESSERA_HOMEPAGE_URL)
  string(REGEX REPLACE "/+$" "" base "${TESSERA_HOMEPAGE_URL}")
  string(CONCAT TESSERA_APPSTREAM_URLS
    "\n  <url type=\"homepage\">${base}</url>"
    "\n  <screenshots>"
    "\n    <screenshot type=\"default\"><caption>The attention explorer on a trained model</caption>"
    "<image>${base}/docs/images/attention-trained.png</image></screenshot>"
    "\n    <screenshot><caption>The Lens: activation patching on the IOI prompt</caption>"
    "<image>${base}/docs/images/lens-patching.png</image></screenshot>"
    "\n    <screenshot><caption>The Alignment view of a T5 model, in Korean</caption>"
    "<image>${base}/docs/images/alignment-dates-ko.png</image></screenshot>"
    "\n  </screenshots>")
endif()
configure_file(${PROJECT_SOURCE_DIR}/packaging/org.tessera.Tessera.metainfo.xml.in
               ${packaging_out}/org.tessera.Tessera.metainfo.xml @ONLY)

install(FILES ${PROJECT_SOURCE_DIR}/packaging/org.tessera.Tessera.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES ${packaging_out}/org.tessera.Tessera.metainfo.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/org.tessera.Tessera.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/mime/packages)
install(FILES ${PROJECT_SOURCE_DIR}/resources/tessera.svg
        DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps RENAME org.tessera.Tessera.svg)
# Debian wants the changelog and man pages compressed reproducibly (gzip -n: no name, no time).
find_program(GZIP_PROGRAM gzip REQUIRED)
add_custom_command(OUTPUT ${packaging_out}/changelog.gz
  COMMAND ${GZIP_PROGRAM} -9nc ${PROJECT_SOURCE_DIR}/packaging/changelog > ${packaging_out}/changelog.gz
  DEPENDS ${PROJECT_SOURCE_DIR}/packaging/changelog VERBATIM)
set(packaging_outputs ${packaging_out}/changelog.gz)

# Each package has its copyright, changelog and lintian overrides.
foreach(entry "tessera|program" "tessera-data|data")
  string(REPLACE "|" ";" parts "${entry}")
  list(GET parts 0 package)
  list(GET parts 1 component)
  install(FILES ${PROJECT_SOURCE_DIR}/packaging/copyright ${packaging_out}/changelog.gz
          DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${package} COMPONENT ${component})
  install(FILES ${PROJECT_SOURCE_DIR}/packaging/lintian/${package}
          DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides COMPONENT ${component})
endforeach()


# Man pages made from the programs' own --help and --version (help2man), so they cannot drift
# from what the programs accept. Without help2man the package has none (a configure message says so).
find_program(HELP2MAN_PROGRAM help2man)
if(HELP2MAN_PROGRAM)
  foreach(entry "tessera|a desktop studio for looking inside transformers"
                "tessera-cli|export figures, run, tokenize, train and sample from the command line")
    string(REPLACE "|" ";" parts "${entry}")
    list(GET parts 0 program)
    list(GET parts 1 summary)
    add_custom_command(OUTPUT ${packaging_out}/${program}.1.gz
      COMMAND ${CMAKE_COMMAND} -E env QT_QPA_PLATFORM=offscreen
              ${HELP2MAN_PROGRAM} --no-info --no-discard-stderr --section=1 --name=${summary}
              --output=${packaging_out}/${program}.1 $<TARGET_FILE:${program}>
      COMMAND ${GZIP_PROGRAM} -9nf ${packaging_out}/${program}.1
      DEPENDS ${program} VERBATIM)
    list(APPEND packaging_outputs ${packaging_out}/${program}.1.gz)
    install(FILES ${packaging_out}/${program}.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
  endforeach()
else()
  message(STATUS "help2man not found: the package will have no man pages (apt-get install help2man)")
endif()
add_custom_target(tessera_packaging_files ALL DEPENDS ${packaging_outputs})

set(CPACK_PACKAGE_NAME "tessera")
set(CPACK_PACKAGE_VENDOR "Tessera developers")
set(CPACK_PACKAGE_CONTACT "Tessera developers <maintainers@tessera.invalid>")
# Each package's synopsis is the first line of its description below; CPackDeb would put a
# package-wide summary in front of both.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
# The package's binaries are stripped as dh_strip strips them; their debug information goes
# into a separate tessera-dbgsym package made by packaging/make-dbgsym.sh from the build tree
# (CMake 3.25's own CPACK_DEBIAN_DEBUGINFO_PACKAGE writes absolute paths into its md5sums).
# CMAKE_STRIP is packaging/strip-for-deb.sh (set in the top CMakeLists.txt, before the targets).
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL program data)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PROGRAM_PACKAGE_NAME "tessera")
set(CPACK_DEBIAN_DATA_PACKAGE_NAME "tessera-data")
set(CPACK_DEBIAN_DATA_PACKAGE_ARCHITECTURE "all")
set(CPACK_DEBIAN_PACKAGE_SECTION "science")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# The programs' dependencies come from the binaries (dpkg-shlibdeps); the private libraries in
# /usr/lib/<triplet>/tessera are found through their RUNPATH.
set(CPACK_DEBIAN_PROGRAM_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${CMAKE_INSTALL_FULL_LIBDIR}/tessera)
# What is loaded at run time and so invisible to dpkg-shlibdeps: Qt's platform plugins (xcb,
# wayland, offscreen) and the vocabularies and translations.
set(CPACK_DEBIAN_PROGRAM_PACKAGE_DEPENDS "tessera-data (= ${PROJECT_VERSION}), qt6-qpa-plugins")
set(CPACK_DEBIAN_PROGRAM_PACKAGE_RECOMMENDS "libopenblas0-openmp | libopenblas0, fonts-nanum | fonts-noto-cjk")
set(CPACK_DEBIAN_PROGRAM_PACKAGE_SUGGESTS "dataset-fashion-mnist")
# CPack indents the continuation lines itself and turns empty lines into " ."; lines indented
# here would be shown verbatim.
set(CPACK_COMPONENT_DATA_DESCRIPTION "desktop studio for looking inside transformers (data)
This package holds the architecture-independent files of Tessera: the real
tokenizer vocabularies its tokenizer lab compares (BERT cased and uncased,
GPT-2, Llama 2, Llama 3 and a Unigram model trained on the study notes) and
the Korean translation of the studio.")
set(CPACK_COMPONENT_PROGRAM_DESCRIPTION
  "desktop studio for looking inside transformers
Tessera trains or loads transformer models with LibTorch and shows attention
heatmaps, positional encodings, embedding projections, ViT patch attention,
DETR boxes, diffusion denoising and encoder-decoder alignments, with every
figure exportable as PNG, SVG, PDF and CSV. It opens Hugging Face checkpoints
(BERT, RoBERTa, XLM-R, DistilBERT, GPT-2, Llama, Mistral, Qwen, Gemma 3, T5,
BART, ViT, DeiT, DETR) and explains predictions with the logit lens, direct
logit attribution, ablation and activation patching.

OpenBLAS is recommended: without it LibTorch's matrix products fall back to
the reference BLAS and run about twenty times slower. A CJK font (Nanum or
Noto CJK) renders Hangul; the Fashion-MNIST dataset package serves the ViT,
DETR and diffusion training recipes.")
include(CPack)
