// Text that must be UTF-8 (JSON, a record) made from bytes that may not be: a
// path in another encoding keeps every byte, written as \xNN, as Python's
// "backslashreplace" writes it.
#pragma once

#include <string>
#include <string_view>

namespace gcbench {

bool is_utf8(std::string_view text);

// `text` as is when it is UTF-8; otherwise each byte outside a valid UTF-8
// sequence written as the four characters \xNN (lower-case hex).
std::string escape_non_utf8(std::string_view text);

// The bytes escape_non_utf8 escaped, back: each \xNN with NN >= 80 (never
// valid UTF-8 alone) becomes that byte. Other text is left as it is.
std::string unescape_non_utf8(std::string_view text);

}  // namespace gcbench
