add_library(ds_warnings INTERFACE)
target_compile_options(ds_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes
  -Wold-style-definition -Wundef -Wwrite-strings -Wformat=2 -Wvla)
if(CMAKE_C_COMPILER_ID STREQUAL "GNU")
  target_compile_options(ds_warnings INTERFACE -Wlogical-op)
endif()
if(DS_WERROR)
  target_compile_options(ds_warnings INTERFACE -Werror)
endif()

# Layers held to -Wconversion (implicit narrowing and, in C, sign changes):
# base and engine, linked PRIVATE in sim/CMakeLists.txt so the flag applies
# to their own files only.
add_library(ds_conversion_clean INTERFACE)
target_compile_options(ds_conversion_clean INTERFACE -Wconversion)
