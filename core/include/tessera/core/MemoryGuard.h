#pragma once
// The memory guard: operations whose size the user controls (a capture of every attention of a
// long input, an N x N similarity of a large position table, a long sampling trajectory) say how
// much they would allocate before they start, and are refused with the number and a way forward
// when it is beyond the budget, instead of being attempted and taking the machine down.
// The budget: half the physical memory, or TESSERA_MEMORY_BUDGET (bytes, or with a K, M or G
// suffix, powers of 1024) when set. Any thread.

#include <cstdint>
#include <string>

namespace tessera {

uint64_t memoryBudget();
// Throws tessera::Error when TESSERA_MEMORY_BUDGET is set to something that is not a size
// ("banana" used to be ignored, silently leaving the default): the programs check it at start.
void checkMemoryBudgetSetting();
// For tests and embedding applications: a budget in bytes; 0 restores the default.
void setMemoryBudget(uint64_t bytes);

// Throws tessera::Error "<what> would need <bytes>, more than the memory budget of <budget>
// (half of this machine's memory; TESSERA_MEMORY_BUDGET changes it): <wayForward>" when bytes
// exceed the budget.
void requireMemory(double bytes, const std::string &what, const std::string &wayForward);

// "1.5 GB", "12 MB", "512 bytes" (powers of 1024).
std::string formatBytes(double bytes);

} // namespace tessera
