#include "rules/promql/lexer.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "rules/promql/literals.hpp"

using namespace vigil::promql;

namespace {

// Every token up to the end, as error messages describe them; an error
// token shows as "error: <message> @<offset>".
std::vector<std::string> lex(std::string_view input, bool series = false) {
  lexer l{input, series};
  std::vector<std::string> out;
  for (token t = l.next(); t.kind != token_kind::eof; t = l.next()) {
    if (t.kind == token_kind::error) {
      out.push_back("error: " + std::string{t.text} + " @" + std::to_string(t.pos));
      break;
    }
    out.push_back(describe(t));
  }
  return out;
}

using strings = std::vector<std::string>;

}  // namespace

TEST_CASE("operators and punctuation lex to their tokens", "[promql][lexer]") {
  CHECK(lex("+ - * / % ^ == != <= < >= > @ , ( )") ==
        strings{"<op:+>", "<op:->", "<op:*>", "<op:/>", "<op:%>", "<op:^>", "<op:==>", "<op:!=>",
                "<op:<=>", "<op:<>", "<op:>=>", "<op:>>", "<op:@>", "\",\"", "\"(\"", "\")\""});
  CHECK(lex("a=b") == strings{R"(identifier "a")", R"("=")", R"(identifier "b")"});
}

TEST_CASE("keywords are case-insensitive and keep their text", "[promql][lexer]") {
  CHECK(lex("SUM By without OFFSET and Or unless atan2 bool on ignoring group_left group_right") ==
        strings{"<aggr:SUM>", "<By>", "<without>", "<OFFSET>", "<op:and>", "<op:Or>", "<op:unless>",
                "<op:atan2>", "<bool>", "<on>", "<ignoring>", "<group_left>", "<group_right>"});
  CHECK(lex("count_values limitk limit_ratio anchored smoothed start end step") ==
        strings{"<aggr:count_values>", "<aggr:limitk>", "<aggr:limit_ratio>", "<anchored>",
                "<smoothed>", R"("start")", R"("end")", R"("step")"});
  CHECK(lex("foo foo:bar :x _y") == strings{R"(identifier "foo")", R"(metric identifier "foo:bar")",
                                            R"(metric identifier ":x")", R"(identifier "_y")"});
}

TEST_CASE("numbers lex in every form Prometheus accepts", "[promql][lexer]") {
  for (const char* n : {"1", ".5", "5.", "123.4567", "5e-3", "5E+3", "0x1F", "0X_1f", "0755",
                        "1_000", "1_000.5_5", "Inf", "nan", "INF"}) {
    INFO(n);
    CHECK(lex(n) == strings{"number " + quote(n)});
  }
  CHECK(lex("0deadbeef") == strings{R"(error: bad number or duration syntax: "0de" @0)"});
  CHECK(lex("2.5.") == strings{R"(error: bad number or duration syntax: "2.5." @0)"});
  CHECK(lex("100..4") == strings{R"(error: bad number or duration syntax: "100.." @0)"});
  CHECK(lex("1_") == strings{R"(error: bad number or duration syntax: "1_" @0)"});
  CHECK(lex("1e") == strings{R"(error: bad number or duration syntax: "1e" @0)"});
}

TEST_CASE("durations lex as one token", "[promql][lexer]") {
  CHECK(lex("5m 1h30m 1y 2w 3d 500ms 1m30s500ms") ==
        strings{R"(duration "5m")", R"(duration "1h30m")", R"(duration "1y")", R"(duration "2w")",
                R"(duration "3d")", R"(duration "500ms")", R"(duration "1m30s500ms")"});
  CHECK(lex("5mm") == strings{R"(error: bad number or duration syntax: "5mm" @0)"});
  CHECK(lex("5m1") == strings{R"(error: bad number or duration syntax: "5m1" @0)"});
}

TEST_CASE("strings keep their quotes and escapes are checked", "[promql][lexer]") {
  CHECK(lex(R"("a\"b" 'c\'d' `e\f`)") ==
        strings{R"(string "\"a\\\"b\"")", R"(string "'c\\'d'")", R"(string "`e\\f`")"});
  CHECK(lex("\"a long string\"") == strings{R"(string "\"a long st"...)"});
  CHECK(lex(R"("\c")") == strings{"error: unknown escape sequence U+0063 'c' @0"});
  CHECK(lex(R"(x "\x.")") ==
        strings{R"(identifier "x")", "error: illegal character U+002E '.' in escape sequence @2"});
  CHECK(lex(R"("\)") == strings{"error: escape sequence not terminated @0"});
  CHECK(lex(R"("\u12")") == strings{"error: illegal character U+0022 '\"' in escape sequence @0"});
  CHECK(lex(R"("\uD800")") ==
        strings{"error: escape sequence is an invalid Unicode code point @0"});
  CHECK(lex(R"("\777")") == strings{"error: escape sequence is an invalid Unicode code point @0"});
  CHECK(lex(R"('\"')") == strings{"error: unknown escape sequence U+0022 '\"' @0"});
  CHECK(lex("\"abc") == strings{"error: unterminated quoted string @0"});
  CHECK(lex("\"a\nb\"") == strings{"error: unterminated quoted string @0"});
  CHECK(lex("`a\nb`") == strings{R"(string "`a\nb`")"});
  CHECK(lex("`abc") == strings{"error: unterminated raw string @0"});
  CHECK(lex("\"\xff\"") == strings{"error: invalid UTF-8 rune @0"});
  CHECK(lex("\"é☺\"") == strings{"string \"\\\"é☺\\\"\""});
}

TEST_CASE("inside braces keywords are identifiers and names may be quoted", "[promql][lexer]") {
  CHECK(lex(R"({by="x", offset!~"y", "a.b"=~'z', nan!="1",})") ==
        strings{R"("{")", R"(identifier "by")", R"("=")", R"(string "\"x\"")", R"(",")",
                R"(identifier "offset")", "<op:!~>", R"(string "\"y\"")", R"(",")",
                R"(string "\"a.b\"")", "<op:=~>", R"(string "'z'")", R"(",")",
                R"(identifier "nan")", "<op:!=>", R"(string "\"1\"")", R"(",")", R"("}")"});
  CHECK(lex("{a:b}") == strings{R"("{")", R"(identifier "a")",
                                "error: unexpected character inside braces: ':' @2"});
  CHECK(lex("{a!b}") == strings{R"("{")", R"(identifier "a")",
                                "error: unexpected character after '!' inside braces: 'b' @2"});
  CHECK(lex("{{") == strings{R"("{")", "error: unexpected left brace '{' @1"});
  CHECK(lex("{a") ==
        strings{R"("{")", R"(identifier "a")", "error: unexpected end of input inside braces @2"});
}

TEST_CASE("brackets hold durations, arithmetic and step(), min(), max()", "[promql][lexer]") {
  CHECK(lex("x[5m:1m]") == strings{R"(identifier "x")", R"("[")", R"(duration "5m")", R"(":")",
                                   R"(duration "1m")", R"("]")"});
  CHECK(lex("x[ -STEP() + Min(1, 2)*3 ]") ==
        strings{R"(identifier "x")", R"("[")", "<op:->", R"("STEP")", R"("(")", "\")\"", "<op:+>",
                "<aggr:Min>", R"("(")", R"(number "1")", R"(",")", R"(number "2")", "\")\"",
                "<op:*>", R"(number "3")", R"("]")"});
  CHECK(lex("x[5m x]").back() == "error: unexpected character: 'x', expected ':' @5");
  CHECK(lex("x[5m:1m:2m]").back() == "error: unexpected colon ':' @7");
  CHECK(lex("x[foo]").back() == "error: unexpected character in duration expression: 'f' @2");
  CHECK(lex("x[step():1m]").back() ==
        "error: unexpected colon before duration in duration expression @9");
  CHECK(lex("x[").back() == "error: unexpected end of input in duration expression @2");
  CHECK(lex("x[5m").back() == "error: unclosed left bracket @4");
  CHECK(lex("x[5m][").back() == "error: unexpected end of input in duration expression @6");
  CHECK(lex("x[5m[").back() == "error: unexpected left bracket '[' @4");
  CHECK(lex("]").back() == "error: unexpected right bracket ']' @0");
}

TEST_CASE("parentheses must balance and stray characters are errors", "[promql][lexer]") {
  CHECK(lex("(1))").back() == "error: unexpected right parenthesis ')' @4");
  CHECK(lex("((1)").back() == "error: unclosed left parenthesis @4");
  CHECK(lex("}").back() == "error: unexpected character: '}' @0");
  CHECK(lex(".").back() == "error: unexpected character: '.' @0");
  CHECK(lex("é").back() == "error: unexpected character: 'é' @0");
  CHECK(lex("1 =~ 1").back() == "error: unexpected character after '=': '~' @2");
  CHECK(lex("1 !~ 1").back() == "error: unexpected character after '!': '~' @2");
}

TEST_CASE("comments run to the end of the line", "[promql][lexer]") {
  CHECK(lex("# note\nfoo # more\n+ 1") == strings{R"(comment "# note")", R"(identifier "foo")",
                                                  R"(comment "# more")", "<op:+>",
                                                  R"(number "1")"});
  CHECK(lex("{a=\"b\" # c\n}").size() == 6);
}

TEST_CASE("series notation lexes values, blanks and repetitions", "[promql][lexer]") {
  CHECK(lex(R"(metric{a="b"} 1+2x3 _ stale -1 _x3 Inf)", true) == strings{R"(identifier "metric")",
                                                                          R"("{")",
                                                                          R"(identifier "a")",
                                                                          R"("=")",
                                                                          R"(string "\"b\"")",
                                                                          R"("}")",
                                                                          R"(" ")",
                                                                          R"(number "1")",
                                                                          "<op:+>",
                                                                          R"(number "2")",
                                                                          R"("x")",
                                                                          R"(number "3")",
                                                                          R"(" ")",
                                                                          R"("_")",
                                                                          R"(" ")",
                                                                          R"(identifier "stale")",
                                                                          R"(" ")",
                                                                          "<op:->",
                                                                          R"(number "1")",
                                                                          R"(" ")",
                                                                          R"("_")",
                                                                          R"("x")",
                                                                          R"(number "3")",
                                                                          R"(" ")",
                                                                          R"(number "Inf")"});
  CHECK(lex("m 0x1", true) ==
        strings{R"(identifier "m")", R"(" ")", R"(number "0")", R"("x")", R"(number "1")"});
  CHECK(lex("m 1m", true).back() == R"(error: bad number syntax: "1" @2)");
  CHECK(lex("m {{schema:1}}", true).back() == "error: native histograms are not supported @2");
  CHECK(lex("m 1 ;", true).back() == "error: unexpected character in series sequence: ';' @4");
}
