#include "scenarios/format/trace_reader.hpp"

#include <unordered_map>

#include "scenarios/format/client_addresses.hpp"
#include "scenarios/format/line_reader.hpp"
#include "scenarios/format/text_file.hpp"
#include "scenarios/format/units.hpp"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <optional>

namespace lbsim::scenarios {

namespace {

constexpr const char* kExpected = "expected time,client,method,path such as 0.25,192.168.1.2,GET,/posts/";

struct Field {
  std::string text;
  int column = 0;  // 1-based
};

// Splits at commas and trims blanks around each field.
std::vector<Field> split_fields(const std::string& line)
{
  std::vector<Field> fields;
  size_t start = 0;
  for (;;) {
    const size_t comma = line.find(',', start);
    const size_t end = comma == std::string::npos ? line.size() : comma;
    size_t first = start;
    while (first < end && (line[first] == ' ' || line[first] == '\t')) ++first;
    size_t last = end;
    while (last > first && (line[last - 1] == ' ' || line[last - 1] == '\t' || line[last - 1] == '\r')) --last;
    fields.push_back({line.substr(first, last - first), static_cast<int>(first) + 1});
    if (comma == std::string::npos) return fields;
    start = comma + 1;
  }
}

}  // namespace

std::string trace_referrer(const YAML::Node& node, const std::string& what, const YamlReader& reader)
{
  return " (the trace of " + what + ", " + reader.where(node).to_string() + ")";
}

Trace read_trace_file(const YAML::Node& node, const std::string& what, const std::string& base_dir,
                                      const YamlReader& reader)
{
  const std::string shown = reader.string(node, what);
  std::filesystem::path file = shown;
  if (file.is_relative() && !base_dir.empty() && base_dir != ".") file = std::filesystem::path(base_dir) / file;
  const std::string path = file.string();
  std::optional<LineReader> in;
  try {
    in.emplace(path, kMaxTraceBytes, "expected a CSV file (time,client,method,path)");
  } catch (const TextFileError& e) {
    std::string message = "cannot open the trace file \"" + shown + "\"";
    if (shown != path) message += " (looked for \"" + path + "\", relative to the scenario's folder)";
    reader.fail(node, message + ": " + e.what());
  }

  // Errors inside the file say which key read it.
  const std::string referrer = trace_referrer(node, what, reader);
  Trace trace;
  trace.path = path;
  std::vector<TraceRow>& rows = trace.rows;
  std::unordered_map<std::string, uint32_t> type_of;  // method '\0' path -> index into trace.types
  std::string type_key;
  std::string line;
  int line_number = 0;
  bool first_content = true;
  models::SimTime previous;
  for (;;) {
    try {
      if (!in->next(line)) break;
    } catch (const TextFileError& e) {
      throw ScenarioError(SourceLocation{path, in->line_number() + 1, 1, {}}, e.what() + referrer);
    }
    line_number = in->line_number();
    const size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    const auto at = [&](int column) { return SourceLocation{path, line_number, column, {}}; };
    const auto bad = [&](int column, const std::string& message) { throw ScenarioError(at(column), message + referrer); };
    if (rows.size() >= kMaxTraceRows)
      bad(1, "the trace has more than " + std::to_string(kMaxTraceRows) + " requests, the most lbsim reads (each "
             "is kept in memory for the run); split it, or describe the traffic with arrivals instead");
    const std::vector<Field> fields = split_fields(line);
    if (first_content && (fields[0].text.rfind("time", 0) == 0 || fields[0].text.rfind("Time", 0) == 0)) {
      first_content = false;
      continue;  // the header
    }
    first_content = false;
    if (fields.size() != 4)
      bad(1, "a trace line has " + std::to_string(fields.size()) + " field" +
                                     (fields.size() == 1 ? "" : "s") + ", not 4; " + kExpected);

    TraceRow row;
    const Field& time = fields[0];
    char* end = nullptr;
    const double plain = std::strtod(time.text.c_str(), &end);
    if (!time.text.empty() && *end == '\0' && std::isfinite(plain)) {
      if (plain < 0 || plain > 9.2e9)
        bad(time.column, "the time \"" + time.text + "\" is out of range; expected seconds from "
                                                 "the start of the run, 0 or more");
      row.at = models::SimTime::from_ns(std::llround(plain * 1e9));
    } else {
      const auto parsed = parse_time_ns(time.text);
      if (!parsed) bad(time.column, "bad time in the trace: " + parsed.error + " (or a plain number of seconds)");
      if (*parsed.value < 0) bad(time.column, "the time \"" + time.text + "\" is negative");
      row.at = models::SimTime::from_ns(*parsed.value);
    }
    if (row.at < previous)
      bad(time.column, "the time " + time.text +
                                               " is earlier than the line before; a trace lists requests in time order");
    previous = row.at;

    const Field& client = fields[1];
    const auto address = parse_ipv4(client.text);
    if (!address)
      bad(client.column, "\"" + client.text +
                                                 "\" is not an IPv4 address; expected four numbers 0-255 such as 192.168.1.2");
    row.address = *address;

    const std::string& method = fields[2].text;
    const std::string& request_path = fields[3].text;
    if (method.empty() != request_path.empty())
      bad(method.empty() ? fields[2].column : fields[3].column,
                          "give both method and path (a request type of the mix) or neither (drawn from the mix)");
    type_key.assign(method).push_back('\0');  // a trace line holds no NUL byte (line_reader.hpp)
    type_key += request_path;
    const auto [type, added] = type_of.try_emplace(type_key, static_cast<uint32_t>(trace.types.size()));
    if (added) trace.types.push_back(TraceType{method, request_path});
    row.type = type->second;
    row.line = static_cast<uint32_t>(line_number);
    row.type_column = static_cast<uint32_t>(fields[2].column);
    rows.push_back(row);
  }
  if (rows.empty()) reader.fail(node, "the trace file \"" + shown + "\" holds no requests; " + kExpected);
  return trace;
}

}  // namespace lbsim::scenarios
