#include "core/generator.h"

#include "core/philox.h"

namespace norse {

uint32_t Generator::next_u32() { return philox_bits(seed_, reserve_blocks(1), 0); }

float Generator::uniform() { return philox_uniform(next_u32()); }

float Generator::normal() { return philox_normal(seed_, reserve_blocks(1), 0); }

}  // namespace norse
