#ifndef CATALOG_CXXHASH_SHIM_H
#define CATALOG_CXXHASH_SHIM_H
#include <xxhash.h>
#endif
