// Reads a request trace for `arrivals: {process: trace, file: ...}`: a CSV file with one request
// per line, `time,client,method,path`:
//
//   time     when the request is sent, from the start of the run: a plain number of seconds
//            (0.25) or a time with a unit ("250 ms"); never earlier than the line before
//   client   the client's IPv4 address
//   method, path
//            the request type, matched against the group's mix (both empty: drawn from the
//            mix's shares, like any other arrival)
//
// An optional header line starting with "time" is skipped, as are blank lines and lines starting
// with '#'. Fields are separated by commas and not quoted. Every problem is a ScenarioError at the
// trace file's line and column. The file is read line by line within limits (line_reader.hpp):
// at most kMaxTraceBytes and kMaxTraceRows requests, which are kept in memory for the run.
#pragma once

#include "models/system_config.hpp"
#include "scenarios/format/scenario_error.hpp"
#include "scenarios/format/yaml_reader.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace lbsim::scenarios {

inline constexpr std::uintmax_t kMaxTraceBytes = 512u << 20;
inline constexpr std::size_t kMaxTraceRows = 5'000'000;

// A request type as the trace writes it (method and path; both empty: drawn from the mix), kept
// once however many rows name it.
struct TraceType {
  std::string method, path;
};

// One request: 24 bytes, so the most a trace may hold (kMaxTraceRows) stays near 120 MB.
struct TraceRow {
  models::SimTime at;
  uint32_t address = 0;
  uint32_t type = 0;         // index into Trace::types
  uint32_t line = 0;         // the row's line in the file, for errors about its client or type
  uint32_t type_column = 0;  // where its method starts
};

struct Trace {
  std::string path;  // the file as opened, which errors name
  std::vector<TraceType> types;
  std::vector<TraceRow> rows;

  SourceLocation type_at(const TraceRow& row) const
  {
    return SourceLocation{path, static_cast<int>(row.line), static_cast<int>(row.type_column), {}};
  }
};

// " (the trace of clients[0].arrivals.file, scenario.yaml:5:39)": appended to errors inside a trace.
std::string trace_referrer(const YAML::Node& node, const std::string& what, const YamlReader& reader);

// `node` is the `file` key (for "cannot open" errors); `base_dir` resolves a relative path.
Trace read_trace_file(const YAML::Node& node, const std::string& what, const std::string& base_dir,
                                      const YamlReader& reader);

}  // namespace lbsim::scenarios
