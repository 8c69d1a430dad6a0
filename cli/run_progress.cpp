#include "cli/run_progress.hpp"

#include "cli/text_line.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <unistd.h>

namespace lbsim::cli {

namespace {

constexpr std::chrono::milliseconds kQuietStart{1500};  // a short run shows nothing
constexpr std::chrono::milliseconds kRedraw{200};

std::string wall_duration(double seconds)
{
  if (seconds < 60) return line("%.0f s", seconds);
  if (seconds < 3600) return line("%.0f min %02.0f s", std::floor(seconds / 60), std::fmod(seconds, 60.0));
  return line("%.0f h %02.0f min", std::floor(seconds / 3600), std::floor(std::fmod(seconds, 3600.0) / 60));
}

}  // namespace

RunProgress::RunProgress(std::optional<double> end_s, std::optional<uint64_t> stop_requests)
    : end_s_(end_s), stop_requests_(stop_requests)
{
}

RunProgress::~RunProgress() { finish(); }

bool RunProgress::wanted() { return ::isatty(::fileno(stderr)) != 0; }

void RunProgress::on_interval(const models::IntervalRow& row, std::span<const models::ServerIntervalRow>)
{
  requests_ += row.arrived;
  completed_ += row.completed;
  const auto now = std::chrono::steady_clock::now();
  if (now - start_ < kQuietStart || now - last_draw_ < kRedraw) return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  // The share done, by simulated time or by completed requests, whichever ends the run.
  std::optional<double> done;
  if (end_s_ && *end_s_ > 0) done = row.time_s / *end_s_;
  if (stop_requests_ && *stop_requests_ > 0)
    done = std::max(done.value_or(0.0), static_cast<double>(completed_) / static_cast<double>(*stop_requests_));
  std::string text = line("run: %.1f s simulated", row.time_s);
  if (done) text += line(" (%.0f%%)", 100.0 * std::min(*done, 1.0));
  text += line(", %llu requests, %.3g M events/s", static_cast<unsigned long long>(requests_),
               static_cast<double>(row.events) / elapsed * 1e-6);
  if (done && *done > 0 && *done < 1) text += ", about " + wall_duration(elapsed * (1 - *done) / *done) + " left";
  std::fprintf(stderr, "\r\033[K%s", text.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void RunProgress::finish()
{
  if (!drawn_) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace lbsim::cli
