// Text from records (suite, variant and class names, swept values) as HTML text, and the
// style the report pages share.
#pragma once

#include <string>

namespace gcbench {

// The colours of evidence_class() (report/mechanism.hpp): the paper's sign, the opposite sign.
inline constexpr const char* kEvidenceStyle = ".match{color:#176f2c}.opposite{color:#a31515}";

inline std::string html_escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace gcbench
