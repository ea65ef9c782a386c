// Sizes multiplied and added where the operands come from the user (sweep
// points x seeds, a file's header): none when the result does not fit, in
// standard C++ (no compiler builtins).
#pragma once

#include <limits>
#include <optional>
#include <type_traits>

namespace gcbench {

template <class T>
constexpr std::optional<T> checked_multiply(T a, T b) {
  static_assert(std::is_unsigned_v<T>, "checked_multiply takes unsigned sizes");
  if (b != 0 && a > std::numeric_limits<T>::max() / b) return std::nullopt;
  return a * b;
}

template <class T>
constexpr std::optional<T> checked_add(T a, T b) {
  static_assert(std::is_unsigned_v<T>, "checked_add takes unsigned sizes");
  if (a > std::numeric_limits<T>::max() - b) return std::nullopt;
  return a + b;
}

}  // namespace gcbench
