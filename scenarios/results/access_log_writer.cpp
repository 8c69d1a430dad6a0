#include "scenarios/results/access_log_writer.hpp"

#include <cmath>
#include <filesystem>
#include <stdexcept>

namespace lbsim::scenarios {

AccessLogWriter::AccessLogWriter(std::string path) : path_(std::move(path))
{
  if (const auto dir = std::filesystem::path(path_).parent_path(); !dir.empty()) std::filesystem::create_directories(dir);
  file_ = std::fopen((path_ + ".partial").c_str(), "wb");
  if (!file_) throw std::runtime_error("cannot write the access log " + path_);
  std::fputs("time_s,client,method,path,route,service,status,flags,bytes_in,bytes_out,duration_s,upstream_s,cache,"
             "attempts,limiter\n",
             file_);
}

AccessLogWriter::~AccessLogWriter()
{
  if (file_) std::fclose(file_);
}

namespace {
std::string ipv4(uint32_t a)
{
  return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." + std::to_string((a >> 8) & 255) + "." +
         std::to_string(a & 255);
}
}  // namespace

void AccessLogWriter::on_access(const models::AccessLogRow& row)
{
  // The client's path with its drawn id in place of the {id} segment.
  path_text_ = *row.path;
  if (row.resource != 0) {
    const size_t open = path_text_.find('{');
    const size_t close = path_text_.find('}', open);
    if (open != std::string::npos && close != std::string::npos)
      path_text_.replace(open, close - open + 1, std::to_string(row.resource));
  }
  std::string flags = models::response_flags_text(row.flags);
  if (flags.find(',') != std::string::npos) flags = '"' + flags + '"';  // "UO,URX" is one CSV field
  std::string upstream = "-";
  if (row.upstream_s >= 0) {
    upstream.clear();
    append_seconds(upstream, std::llround(row.upstream_s * 1e9));  // whole ns, as time_s
  }
  line_.seconds(std::llround(row.time_s * 1e9))
      .text(ipv4(row.client))
      .text(*row.method)
      .text(path_text_)
      .text(row.route ? *row.route : std::string("-"))
      .text(row.service ? *row.service : std::string("-"))
      .integer(static_cast<uint64_t>(row.status))
      .text(flags)
      .number(row.bytes_in)
      .number(row.bytes_out)
      .seconds(std::llround(row.duration_s * 1e9))
      .text(upstream)
      .text(*row.cache ? row.cache : "-")
      .integer(row.attempts)
      .text(*row.limiter ? row.limiter : "-");
  write_ok_ &= line_.write_to(file_);
}

void AccessLogWriter::close()
{
  const bool ok = write_ok_ && std::fflush(file_) == 0 && !std::ferror(file_);
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!ok || !closed) throw std::runtime_error("failed to write the access log " + path_ + " (disk full?)");
  std::filesystem::rename(path_ + ".partial", path_);
}

}  // namespace lbsim::scenarios
