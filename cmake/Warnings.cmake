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
