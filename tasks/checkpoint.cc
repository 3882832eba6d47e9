#include "tasks/checkpoint.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "core/json_io.h"
#include "core/safetensors.h"

namespace norse {
namespace tasks {
namespace {

const char* const kReserved[] = {"completed", "metrics"};

}  // namespace

void save_checkpoint(const std::string& path, const std::vector<nn::NamedParameter>& params,
                     const optim::Optimizer& optimizer, const RunIdentity& identity,
                     const CheckpointContents& contents) {
  NamedTensors tensors;
  for (const auto& [name, p] : params) tensors.emplace_back("model." + name, p->value());
  for (const auto& [name, t] : optimizer.state()) tensors.emplace_back("optim." + name, t);
  std::map<std::string, std::string> meta = identity;
  for (const auto& [key, value] : contents.extra) meta[key] = value;
  meta["completed"] = std::to_string(contents.completed);
  meta["metrics"] = contents.metrics_json;
  save_safetensors(path, tensors, meta);
}

CheckpointContents load_checkpoint(const std::string& path, const char* who,
                                   const std::vector<nn::NamedParameter>& params, optim::Optimizer& optimizer,
                                   const RunIdentity& identity) {
  const SafetensorsFile f = load_safetensors(path);
  // Identity entries added after checkpoints without them were written, with the value those runs
  // had: "ranks" (data-parallel processes) came with distributed training; earlier runs had one.
  static const std::map<std::string, std::string> kImplied = {{"ranks", "1"}};
  for (const auto& [key, value] : identity) {
    auto it = f.metadata.find(key);
    const auto implied = kImplied.find(key);
    const bool missing = it == f.metadata.end();
    const std::string written = !missing ? it->second : implied != kImplied.end() ? implied->second : "(missing)";
    NORSE_CHECK(written == value, InvalidArgument, who, "checkpoint ", path, " was written with ", key, " = ", written,
                ", this run has ", value, "; use the same settings or another --output_dir");
  }
  for (const char* key : kReserved) {
    NORSE_CHECK(f.metadata.count(key) == 1, IoError, who, "checkpoint ", path, " lacks the metadata entry '", key, "'");
  }
  std::vector<std::pair<std::string, Tensor*>> targets;
  for (const auto& [name, p] : params) {
    // A parameter that does not train (a neuron's tau, v_th, ...) keeps its value where the
    // checkpoint lacks it: checkpoints written before named_parameters() listed them.
    if (!p->requires_grad() && !f.contains("model." + name)) continue;
    targets.emplace_back("model." + name, &p->mutable_value());
  }
  SafetensorsFile model_part;
  NamedTensors optim_state;
  for (const auto& [name, t] : f.tensors) {
    if (name.rfind("optim.", 0) == 0) {
      optim_state.emplace_back(name.substr(6), t);
    } else {
      model_part.tensors.emplace_back(name, t);
    }
  }
  load_into(model_part, targets, path);
  optimizer.load_state(optim_state);
  CheckpointContents out;
  const std::string& completed = f.metadata.at("completed");
  const std::string where = str_cat(who, ": checkpoint ", path, ": metadata 'completed'");
  out.completed = json_int(parse_json_untrusted(completed, where), where, 0);
  out.metrics_json = f.metadata.at("metrics");
  metrics_entries(out.metrics_json);  // refuse a corrupt metrics entry now, not at the first epoch
  for (const auto& [key, value] : f.metadata) {
    if (identity.count(key) == 0 && key != "completed" && key != "metrics") out.extra[key] = value;
  }
  return out;
}

std::optional<CheckpointContents> prepare_output_dir(const std::string& output_dir, bool resume, const char* who,
                                                     const std::vector<nn::NamedParameter>& params,
                                                     optim::Optimizer& optimizer, const RunIdentity& identity) {
  if (output_dir.empty()) return std::nullopt;
  // Like mkdir -p: every missing folder on the way (two ranks may race here; EEXIST is fine).
  for (size_t slash = output_dir.find('/', 1);; slash = output_dir.find('/', slash + 1)) {
    const std::string part = output_dir.substr(0, slash);
    if (::mkdir(part.c_str(), 0755) != 0 && errno != EEXIST) {
      throw IoError(str_cat(who, ": cannot create the output folder ", part, ": ", std::strerror(errno)));
    }
    if (slash == std::string::npos) break;
  }
  const std::string path = output_dir + "/checkpoint.safetensors";
  struct stat st;
  if (!resume || ::stat(path.c_str(), &st) != 0) return std::nullopt;
  return load_checkpoint(path, who, params, optimizer, identity);
}

std::vector<nlohmann::json> metrics_entries(const std::string& metrics_json) {
  const char* const where = "checkpoint metadata 'metrics'";
  const nlohmann::json all = parse_json_untrusted(metrics_json, where);
  NORSE_CHECK(all.is_array(), IoError, where, "expected an array of per-epoch objects, got ", json_excerpt(all));
  std::vector<nlohmann::json> entries;
  for (size_t i = 0; i < all.size(); ++i) {
    NORSE_CHECK(all[i].is_object(), IoError, where, "entry ", i, " is not an object but ", json_excerpt(all[i]));
    entries.push_back(all[i]);
  }
  return entries;
}

double metric_number(const nlohmann::json& entry, const char* key) {
  const std::string where = str_cat("checkpoint metadata 'metrics': field '", key, "'");
  return json_number(json_field(entry, key, where), where);
}

int64_t metric_int(const nlohmann::json& entry, const char* key) {
  const std::string where = str_cat("checkpoint metadata 'metrics': field '", key, "'");
  return json_int(json_field(entry, key, where), where);
}

void write_file_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    NORSE_CHECK(static_cast<bool>(out), IoError, "write_file_atomically", "cannot write ", tmp);
  }
  NORSE_CHECK(std::rename(tmp.c_str(), path.c_str()) == 0, IoError, "write_file_atomically", "cannot rename ", tmp,
              " to ", path);
}

}  // namespace tasks
}  // namespace norse
