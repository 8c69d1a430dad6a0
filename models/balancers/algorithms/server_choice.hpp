// ServerChoice: a balancer's pick, a server index or none.
//
// It reads like std::optional<uint32_t> (has_value, *, comparisons with an index or std::nullopt)
// but is one 32-bit word, none being UINT32_MAX. g++ returns an optional<uint32_t>
// by storing its value and its flag separately and loading both back as one word, a load the CPU
// cannot forward from two stores: a pipeline stall on every pick, several per cent of a run.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>

namespace lbsim::models {

class ServerChoice {
public:
  constexpr ServerChoice() = default;
  constexpr ServerChoice(std::nullopt_t) {}
  constexpr ServerChoice(uint32_t server) : server_(server) {}

  constexpr bool has_value() const { return server_ != kNone; }
  constexpr explicit operator bool() const { return has_value(); }
  constexpr uint32_t operator*() const { return server_; }

  friend constexpr bool operator==(ServerChoice a, ServerChoice b) { return a.server_ == b.server_; }
  friend std::ostream& operator<<(std::ostream& out, ServerChoice c)
  {
    return c.has_value() ? out << c.server_ : out << "none";
  }

private:
  static constexpr uint32_t kNone = UINT32_MAX;
  uint32_t server_ = kNone;
};

}  // namespace lbsim::models
