// norse-cpp's version: the one place it is written. tools/install.sh reads it into norse.pc and
// norseConfigVersion.cmake; the tasks print it with --version.
#ifndef NORSE_VERSION_H_
#define NORSE_VERSION_H_

#define NORSE_VERSION_MAJOR 0
#define NORSE_VERSION_MINOR 2
#define NORSE_VERSION_PATCH 0
#define NORSE_VERSION_STRING "0.2.0"

namespace norse {

struct Version {
  int major, minor, patch;
};

// The version the library was compiled as (the header a program includes may be another).
Version library_version();

}  // namespace norse

#endif  // NORSE_VERSION_H_
