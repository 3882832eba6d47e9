#include "core/safetensors.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/json_io.h"

namespace norse {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "safetensors I/O assumes a little-endian host");

namespace {

std::string errno_text() { return std::strerror(errno); }

// Deletes "<path>.tmp-<pid>" files left by writers that were killed mid-write (their process no
// longer exists). Temporaries of live processes, e.g. another writer busy right now, stay.
void remove_stale_temporaries(const std::string& path) {
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
  const std::string prefix = (slash == std::string::npos ? path : path.substr(slash + 1)) + ".tmp-";
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return;
  while (const dirent* entry = ::readdir(d)) {
    const std::string name = entry->d_name;
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string digits = name.substr(prefix.size());
    if (digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 9) continue;
    const pid_t pid = static_cast<pid_t>(std::stol(digits));
    if (pid == ::getpid()) continue;
    if (::kill(pid, 0) != 0 && errno == ESRCH) ::unlink((dir + "/" + name).c_str());
  }
  ::closedir(d);
}

void write_all(int fd, const char* data, size_t size, const std::string& path) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw IoError(str_cat("save_safetensors: writing ", path, " failed: ", errno_text()));
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
}

std::string directory_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

const Tensor& SafetensorsFile::get(const std::string& name) const {
  for (const auto& [key, value] : tensors) {
    if (key == name) return value;
  }
  throw IoError(str_cat("safetensors: no tensor named '", name, "'"));
}

bool SafetensorsFile::contains(const std::string& name) const {
  for (const auto& entry : tensors) {
    if (entry.first == name) return true;
  }
  return false;
}

void save_safetensors(const std::string& path, const NamedTensors& tensors,
                      const std::map<std::string, std::string>& metadata) {
  nlohmann::json header = nlohmann::json::object();
  uint64_t offset = 0;
  for (const auto& [name, t] : tensors) {
    NORSE_CHECK(t.defined(), IoError, "save_safetensors", "tensor '", name, "' is undefined");
    NORSE_CHECK(name != "__metadata__" && !header.contains(name), IoError, "save_safetensors", "tensor name '", name,
                "' is reserved or repeated");
    const uint64_t bytes = static_cast<uint64_t>(t.numel()) * sizeof(float);
    header[name] = {{"dtype", "F32"}, {"shape", t.shape()}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');  // pad so that the data starts 8-byte aligned
  const uint64_t header_size = text.size();

  const std::string tmp = str_cat(path, ".tmp-", ::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) throw IoError(str_cat("save_safetensors: cannot create ", tmp, ": ", errno_text()));
  try {
    write_all(fd, reinterpret_cast<const char*>(&header_size), sizeof(header_size), tmp);
    write_all(fd, text.data(), text.size(), tmp);
    for (const auto& [name, t] : tensors) {
      (void)name;
      const Tensor c = t.contiguous().to(Device::kCPU);  // a cuda tensor is written from a host copy
      write_all(fd, reinterpret_cast<const char*>(c.data()), static_cast<size_t>(c.numel()) * sizeof(float), tmp);
    }
    if (::fsync(fd) != 0) throw IoError(str_cat("save_safetensors: fsync of ", tmp, " failed: ", errno_text()));
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = errno_text();
    ::unlink(tmp.c_str());
    throw IoError(str_cat("save_safetensors: renaming ", tmp, " to ", path, " failed: ", why));
  }
  // Make the rename itself durable.
  const int dir = ::open(directory_of(path).c_str(), O_RDONLY);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  remove_stale_temporaries(path);
}

SafetensorsFile load_safetensors(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(str_cat("load_safetensors: cannot open ", path));
  in.seekg(0, std::ios::end);
  const std::streamoff end_position = in.tellg();
  NORSE_CHECK(end_position >= 0, IoError, "load_safetensors", path, ": cannot determine the file size");
  const uint64_t file_size = static_cast<uint64_t>(end_position);
  in.seekg(0);
  uint64_t header_size = 0;
  NORSE_CHECK(file_size >= 8 && in.read(reinterpret_cast<char*>(&header_size), 8), IoError, "load_safetensors", path,
              ": file is shorter than the 8-byte header length");
  NORSE_CHECK(header_size <= file_size - 8, IoError, "load_safetensors", path, ": header length ", header_size,
              " exceeds the file size ", file_size, " (truncated or not a safetensors file)");
  std::string text(header_size, '\0');  // at most the file's size
  in.read(text.data(), static_cast<std::streamsize>(header_size));
  NORSE_CHECK(static_cast<bool>(in), IoError, "load_safetensors", path, ": reading the header failed");
  const std::string where = str_cat("load_safetensors: ", path, ": header");
  const nlohmann::json header = parse_json_untrusted(text, where);
  NORSE_CHECK(header.is_object(), IoError, "load_safetensors", path, ": the header is not a JSON object but ",
              json_excerpt(header));
  const uint64_t data_size = file_size - 8 - header_size;

  // Every field is checked, and every tensor's extent compared with the bytes present, before
  // any tensor is allocated: a header cannot make the reader allocate what the file lacks.
  struct Entry {
    std::string name;
    Shape shape;
    uint64_t begin = 0, end = 0;
  };
  SafetensorsFile file;
  std::vector<Entry> entries;
  for (const auto& [name, info] : header.items()) {
    if (name == "__metadata__") {
      NORSE_CHECK(info.is_object(), IoError, where, "'__metadata__' must be an object of strings, got ",
                  json_excerpt(info));
      for (const auto& [k, v] : info.items()) file.metadata[k] = v.is_string() ? v.get<std::string>() : v.dump();
      continue;
    }
    const std::string at = str_cat(where, ": tensor '", name, "'");
    NORSE_CHECK(info.is_object(), IoError, where, "tensor '", name,
                "' must be an object with dtype, shape and data_offsets, got ", json_excerpt(info));
    const std::string dtype = json_string(json_field(info, "dtype", at), at + " dtype");
    NORSE_CHECK(dtype == "F32", IoError, where, "tensor '", name, "' has dtype ", dtype,
                ", expected F32 (norse-cpp tensors are float32)");
    Entry e;
    e.name = name;
    e.shape = json_shape(json_field(info, "shape", at), at + " shape");
    const nlohmann::json& offsets = json_field(info, "data_offsets", at);
    NORSE_CHECK(offsets.is_array() && offsets.size() == 2, IoError, at,
                "data_offsets must be an array [begin, end], got ", json_excerpt(offsets));
    e.begin = json_uint(offsets[0], at + " data_offsets[0]");
    e.end = json_uint(offsets[1], at + " data_offsets[1]");
    const uint64_t expected_bytes = static_cast<uint64_t>(shape_numel(e.shape)) * sizeof(float);  // < 2^61
    NORSE_CHECK(e.end >= e.begin && e.end - e.begin == expected_bytes, IoError, where, "tensor '", name,
                "' has data_offsets [", e.begin, ", ", e.end, "] for shape ", shape_to_string(e.shape), " (",
                expected_bytes, " bytes)");
    NORSE_CHECK(e.end <= data_size, IoError, where, "tensor '", name, "' ends at byte ", e.end,
                " but the data section has only ", data_size, " bytes (truncated file)");
    entries.push_back(std::move(e));
  }
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.begin < b.begin; });
  const std::streamoff data_start = static_cast<std::streamoff>(8 + header_size);
  for (const Entry& e : entries) {
    Tensor t = Tensor::empty(e.shape);
    in.seekg(data_start + static_cast<std::streamoff>(e.begin));
    in.read(reinterpret_cast<char*>(t.data()), static_cast<std::streamsize>(e.end - e.begin));
    NORSE_CHECK(static_cast<bool>(in), IoError, "load_safetensors", path, ": reading tensor '", e.name, "' failed");
    file.tensors.emplace_back(e.name, t);
  }
  return file;
}

void load_into(const SafetensorsFile& file, const std::vector<std::pair<std::string, Tensor*>>& targets,
               const std::string& what) {
  std::string problems;
  for (const auto& [name, target] : targets) {
    if (!file.contains(name)) {
      problems += str_cat("\n  missing tensor '", name, "' (expected shape ", shape_to_string(target->shape()), ")");
      continue;
    }
    const Tensor& t = file.get(name);
    if (t.shape() != target->shape()) {
      problems += str_cat("\n  tensor '", name, "' has shape ", shape_to_string(t.shape()), ", expected ",
                          shape_to_string(target->shape()));
    }
  }
  for (const auto& [name, t] : file.tensors) {
    (void)t;
    bool known = false;
    for (const auto& target : targets) known = known || target.first == name;
    if (!known) problems += str_cat("\n  unexpected tensor '", name, "'");
  }
  if (!problems.empty()) throw IoError(str_cat("load_into: ", what, " does not match:", problems));
  // A file's tensors are on the host; each goes to its target's device.
  for (const auto& [name, target] : targets) target->copy_(file.get(name).to(target->device()));
}

}  // namespace norse
