# Every library comes from a Debian -dev package found through pkg-config.
# gnuplot is not a build dependency: `daemonsim plot` looks for it at run time.
find_package(PkgConfig REQUIRED)
pkg_check_modules(GSL REQUIRED IMPORTED_TARGET gsl>=2.6)
pkg_check_modules(YAML REQUIRED IMPORTED_TARGET yaml-0.1)
pkg_check_modules(SQLITE REQUIRED IMPORTED_TARGET sqlite3>=3.37)
pkg_check_modules(CUNIT REQUIRED IMPORTED_TARGET cunit)
