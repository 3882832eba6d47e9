#include "norse/version.h"

namespace norse {

Version library_version() { return Version{NORSE_VERSION_MAJOR, NORSE_VERSION_MINOR, NORSE_VERSION_PATCH}; }

}  // namespace norse
