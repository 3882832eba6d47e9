// Training checkpoints shared by the tasks: one safetensors file (written atomically) with the
// model's parameters ("model.<name>"), the optimizer's state ("optim.<name>") and metadata:
// the run's identity (the settings a resumed run must share), the number of completed units
// (epochs, or episodes) and the task's metrics so far as a JSON string.
#ifndef NORSE_TASKS_CHECKPOINT_H_
#define NORSE_TASKS_CHECKPOINT_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/module.h"
#include "models/optim.h"

namespace norse {
namespace tasks {

using RunIdentity = std::map<std::string, std::string>;

struct CheckpointContents {
  int64_t completed = 0;                     // epochs (or episodes) done when it was written
  std::string metrics_json;                  // the task's metrics so far
  std::map<std::string, std::string> extra;  // further metadata the task stored
};

void save_checkpoint(const std::string& path, const std::vector<nn::NamedParameter>& params,
                     const optim::Optimizer& optimizer, const RunIdentity& identity,
                     const CheckpointContents& contents);

// Restores parameters and optimizer state. Throws InvalidArgument naming `who`, the setting and
// both values when the checkpoint's identity differs from `identity`.
CheckpointContents load_checkpoint(const std::string& path, const char* who,
                                   const std::vector<nn::NamedParameter>& params, optim::Optimizer& optimizer,
                                   const RunIdentity& identity);

// The start of a training run with an output folder: creates `output_dir` (when not empty) and,
// when `resume` is set and `output_dir`/checkpoint.safetensors exists, loads it as
// load_checkpoint does. Returns the contents loaded, or nothing (a fresh start).
std::optional<CheckpointContents> prepare_output_dir(const std::string& output_dir, bool resume, const char* who,
                                                     const std::vector<nn::NamedParameter>& params,
                                                     optim::Optimizer& optimizer, const RunIdentity& identity);

// A checkpoint's metrics JSON, read as untrusted input: the entries of the array (each an
// object), and one entry's fields. Each throws IoError naming the entry and the field when the
// text is not such an array, a field is missing, or has another JSON type.
std::vector<nlohmann::json> metrics_entries(const std::string& metrics_json);
double metric_number(const nlohmann::json& entry, const char* key);
int64_t metric_int(const nlohmann::json& entry, const char* key);

// Writes `text` to `path` through a temporary file and a rename (never a half-written file).
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace tasks
}  // namespace norse

#endif  // NORSE_TASKS_CHECKPOINT_H_
