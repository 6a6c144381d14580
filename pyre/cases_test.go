package pyre

// The tables below are checked twice: against pyre (TestSearch, TestSub,
// TestCompileErrors, TestTemplateErrors) and against the real Python re
// module (TestAgainstPython), which makes the expected values authoritative.

// searchCase: re.search(pattern, input) is not None == want.
type searchCase struct {
	Pattern string `json:"pattern"`
	Input   string `json:"input"`
	Want    bool   `json:"want"`
}

// subCase: re.sub(pattern, repl, input) == want.
type subCase struct {
	Pattern string `json:"pattern"`
	Repl    string `json:"repl"`
	Input   string `json:"input"`
	Want    string `json:"want"`
}

// errorCase: re.compile(pattern) fails with msg (re.error's unformatted
// message) at pos (-1: Python reports no position).
type errorCase struct {
	Pattern string `json:"pattern"`
	Msg     string `json:"msg"`
	Pos     int    `json:"pos"`
}

// templateErrorCase: re.compile(pattern).sub(repl, "") fails with msg at pos.
type templateErrorCase struct {
	Pattern string `json:"pattern"`
	Repl    string `json:"repl"`
	Msg     string `json:"msg"`
	Pos     int    `json:"pos"`
}

var searchCases = []searchCase{
	// Method and class selection from the guide: ^fib$ vs rfib.
	{`^fib$`, "fib", true},
	{`^fib$`, "rfib", false},
	{`^fib$`, "fibo", false},
	{`^fib$`, "fib_seq", false},
	{`rfib`, "rfib", true},
	{`rfib`, "rfib_seq", true},
	{`rfib`, "fib", false},
	{`rfib`, "xrfiby", true},
	{`fib`, "fibo", true},
	{`^(fib|rfib)$`, "rfib", true},
	{`^(fib|rfib)$`, "rfib_seq", false},
	{`^Fibo$`, "Fibo", true},
	{`^Fibo$`, "fibo", false},
	{`(?i)^fibo$`, "FIBO", true},
	{`^.*$`, "", true},
	{`^$`, "", true},
	{`^$`, "x", false},
	{`.*`, "anything", true},
	{`^myapp\.views(\..*)?$`, "myapp.views.admin", true},
	{`^myapp\.views(\..*)?$`, "myapp.viewsx", false},
	{`^_`, "_private", true},
	{`^__init__$`, "__init__", true},
	{`^get_|^post_`, "post_form", true},

	// $ matches at the end or before a final newline; \Z only at the end.
	{`abc$`, "abc\n", true},
	{`abc$`, "abc\n\n", false},
	{`abc\Z`, "abc\n", false},
	{`abc\Z`, "abc", true},
	{`(?m)abc$`, "abc\ndef", true},
	{`abc$`, "abc\ndef", false},
	{`^def`, "abc\ndef", false},
	{`(?m)^def`, "abc\ndef", true},
	{`\Adef`, "abc\ndef", false},
	{`(?m)\Adef`, "abc\ndef", false},
	{`(?m)^$`, "a\n", true},
	{`(?m)x$`, "x\n\n", true},

	// . and DOTALL.
	{`a.c`, "a\nc", false},
	{`(?s)a.c`, "a\nc", true},
	{`a.c`, "a\rc", true},
	{`(?s:a.)c`, "a\nc", true},
	{`(?s)(?-s:a.)c`, "a\nc", false},

	// Unicode \w \d \s \b (str patterns are Unicode by default).
	{`^\w+$`, "héllo", true},
	{`^\w+$`, "日本語", true},
	{`^\w+$`, "x²½", true},
	{`^\w$`, "\u0301", false},
	{`^\w$`, "\u203f", false},
	{`^\d$`, "٣", true},
	{`^\d$`, "²", false},
	{`^\s$`, "\u00a0", true},
	{`^\s$`, "\x1c", true},
	{`^\s$`, "\u200b", false},
	{`^\S$`, "\x1f", false},
	{`\bfoo\b`, "a foo b", true},
	{`\bfoo\b`, "afoo", false},
	{`\bfoo\b`, "éfoo", false},
	{`\Bfoo`, "éfoo", true},
	{`\b`, "", false},
	{`\B`, "", false},
	{`\B`, " ", true},
	{`^\W+$`, "-+ é", false},
	{`^\W+$`, "-+ ", true},
	{`^[\W]+$`, "-+ ", true},
	{`^[\Wa]+$`, "-a+", true},
	{`^[\Wa]+$`, "-b+", false},
	{`^[^\W]+$`, "ab_", true},
	{`^[^\Wa]+$`, "bc", true},
	{`^[^\Wa]+$`, "ba", false},
	{`^[\w-]+$`, "a-b", true},
	{`^[\D]+$`, "abc", true},
	{`^[\S]$`, " ", false},

	// ASCII flag.
	{`(?a)^\w+$`, "héllo", false},
	{`(?a)^\w+$`, "hello", true},
	{`(?a)^\d$`, "٣", false},
	{`(?a)^\s$`, "\u00a0", false},
	{`(?a)\bfoo`, "éfoo", true},
	{`(?a:\w)é`, "xé", true},
	{`(?a)(?u:\w)`, "é", false}, // sre's charset-prefix quirk, see quirk.go
	{`(?a)x(?u:\w)`, "xé", true},
	{`(?a)((?u:\w))`, "é", false},
	{`(?a)(?u:\w|x)`, "é", false},
	{`(?a)(?u:[^\W])`, "é", false},
	{`(?a)(?u:\w*)`, "é", true},
	{`(?a)(?u:\w)+`, "é", true},
	{`(?a:\W)`, "é", false},
	{`(?a:\W)x|y`, "éx", true},
	{`(?a)(?u:\w)|z`, "é", true},
	{`(?a)^[\W]$`, "é", true},
	{`(?a)^[^\D]$`, "5", true},
	{`(?a)^\S$`, "é", true},

	// IGNORECASE, with sre's Unicode folding rules.
	{`(?i)abc`, "ABC", true},
	{`(?i:a)b`, "Ab", true},
	{`(?i:a)b`, "AB", false},
	{`(?i)a(?-i:b)`, "AB", false},
	{`(?i)a(?-i:b)`, "Ab", true},
	{`(?i)k`, "\u212a", true},
	{`(?i)s`, "ſ", true},
	{`(?i)ſ`, "S", true},
	{`(?i)i`, "ı", true},
	{`(?i)i`, "İ", true},
	{`(?i)σ`, "ς", true},
	{`(?i)Σ`, "ς", true},
	{`(?i)µ`, "Μ", true},
	{`(?i)ß`, "ẞ", true},
	{`(?i)é`, "É", true},
	{`(?ai)é`, "É", false},
	{`(?ai)k`, "\u212a", false},
	{`(?ai)k`, "K", true},
	{`(?i)[a-z]+`, "ABC", true},
	{`(?i)^[^a]$`, "A", false},
	{`(?i)^[k]$`, "\u212a", true},
	{`(?i)^[ΐ]$`, "\u1fd3", true},
	{`(?i)ΐ`, "\u1fd3", true},
	{`(?i)ß`, "ss", false},
	{`(?i)^[ΐa]$`, "\u1fd3", true},
	{`(?i)^[\x00-\U0010ffff]$`, "x", true},
	{`(?i)(a)\1`, "aA", true},
	{`(a)\1`, "aA", false},
	{`(?i)(.)\1`, "İi", true},

	// Groups, named groups and backreferences.
	{`(?P<x>a)(?P=x)`, "aa", true},
	{`(?P<x>a)(?P=x)`, "ab", false},
	{`(a)(b)\2\1`, "abba", true},
	{`(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)\10`, "abcdefghijj", true},
	{`(a)\010`, "a\x08", true},
	{`\101`, "A", true},
	{`\0`, "\x00", true},
	{`\012`, "\n", true},
	{`(?P<n_1>x)(?P=n_1)`, "xx", true},
	{`(?P<名>x)(?P=名)`, "xx", true},
	{`(?P<é_1>x)(?P=é_1)`, "xx", true},
	{`(?P<a·b>x)(?P=a·b)`, "xx", true},
	{`(?P<℘>x)(?P=℘)`, "xx", true},
	{`(?P<ⅰ>x)(?P=ⅰ)`, "xx", true},
	{`(?P<_>x)(?P=_)`, "xx", true},

	// Lookarounds.
	{`foo(?=bar)`, "foobar", true},
	{`foo(?=bar)`, "foobaz", false},
	{`foo(?!bar)`, "foobar", false},
	{`foo(?!bar)`, "foobaz", true},
	{`(?<=foo)bar`, "foobar", true},
	{`(?<=foo)bar`, "fobar", false},
	{`(?<!foo)bar`, "foobar", false},
	{`(?<!foo)bar`, "xbar", true},
	{`(?<=a|b)c`, "bc", true},
	{`(?<=(a))c`, "ac", true},
	{`(a)(?<=\1)`, "a", true},
	{`(?<=a{3})b`, "aaab", true},
	{`(?<=a{3})b`, "aab", false},
	{`(?<=\bx)y`, "xy", true},
	{`^(?=.*\d)(?=.*[a-z]).{4,}$`, "ab12", true},
	{`^(?=.*\d)(?=.*[a-z]).{4,}$`, "abcd", false},

	// Conditionals.
	{`^(a)?(?(1)b|c)$`, "ab", true},
	{`^(a)?(?(1)b|c)$`, "c", true},
	{`^(a)?(?(1)b|c)$`, "ac", false},
	{`^(?P<q>")?\w+(?(q)")$`, `"abc"`, true},
	{`^(?P<q>")?\w+(?(q)")$`, `"abc`, false},
	{`^(?P<q>")?\w+(?(q)")$`, `abc`, true},
	{`^(?(1)a|b)(x)?$`, "b", true},

	// Quantifiers, including Python 3.11's possessive forms and atomic groups.
	{`^a{2}$`, "aa", true},
	{`^a{2}$`, "aaa", false},
	{`^a{2,}$`, "aaaa", true},
	{`^a{,2}$`, "aa", true},
	{`^a{,2}$`, "aaa", false},
	{`^a{1,2}$`, "", false},
	{`a{`, "a{", true},
	{`a{1`, "a{1", true},
	{`a{x}`, "a{x}", true},
	{`a{}`, "a{}", true},
	{`^{`, "{", true},
	{`a{,}`, "aaa", true},
	{`^a*+a$`, "aaa", false},
	{`^a++b$`, "aab", true},
	{`^(?>a*)a$`, "aaa", false},
	{`^(?>ab|a)b$`, "ab", false},
	{`^(?:ab|a)b$`, "ab", true},
	{`^a{1,3}+a$`, "aaa", false},
	{`(?:)*`, "", true},
	{`(?=a)*b`, "b", true},

	// Escapes Python accepts.
	{`\!`, "!", true},
	{`\/`, "/", true},
	{`\#`, "#", true},
	{`\ `, " ", true},
	{`\-\&\~\@\%\=\:\;\,\"\'\<\>\_`, `-&~@%=:;,"'<>_`, true},
	{`\x41\u0042\U00000043`, "ABC", true},
	{`\U0001F600`, "😀", true},
	{`😀`, "x😀", true},
	{`\a\f\n\r\t\v\\`, "\a\f\n\r\t\v\\", true},
	{`\é`, "é", true},
	{`[\]]`, "]", true},
	{`[]]`, "]", true},
	{`[^]]`, "]", false},
	{`[]a]`, "a", true},
	{`[a-]`, "-", true},
	{`[-a]`, "-", true},
	{`[\b]`, "\b", true},
	{`[\x41-\x43]`, "B", true},
	{`[\101]`, "A", true},
	{`[\0]`, "\x00", true},
	{`[\\]`, "\\", true},
	{`[.]`, "x", false},
	{`[^a-c]`, "d", true},
	{`[^a-c]`, "\n", true},
	{`[\w.]+@`, "a.b@", true},
	{`[<>'"]`, "'", true},
	{`<(\w+)>`, "<tag>", true},
	{`'1'`, "'1'", true},
	{`\<1\>`, "<1>", true},
	{`[[]`, "[", true},
	{`[&&]`, "&", true},

	// Verbose mode.
	{"(?x) a b # comment\n c", "abc", true},
	{"(?x) a\\ b", "a b", true},
	{"(?x) [ ]", " ", true},
	{"(?x) a # comment\n | b", "b", true},
	{"(?x:a b)c", "abc", true},
	{"(?x)a\n*", "aaa", true},

	// Alternation, comments, groups.
	{`a|b|c`, "c", true},
	{`(?#comment)abc`, "abc", true},
	{`a(?#c)*`, "aaa", true},
	{`(?:a|b)+c`, "ababc", true},
	{`(a|)+b`, "b", true},
	{`x*`, "", true},

	// The guide's uri_replace_pattern patterns.
	{`^/django/(my)?portal/`, "/django/portal/x", true},
	{`^/django/(my)?portal/`, "/app/django/portal/", false},
	{`.*\.(js|css|jpg|gif|png|pdf|html|jar|class)$`, "/static/app.css", true},
	{`.*\.(js|css|jpg|gif|png|pdf|html|jar|class)$`, "/static/app.cssx", false},
}

var subCases = []subCase{
	// The guide's uri_replace_pattern examples.
	{`string.*$`, ``, "/path/stringabc", "/path/"},
	{`(string).*$`, `\1`, "/path/stringabc", "/path/string"},
	{`foo`, `bar`, "/foo/x/foo", "/bar/x/bar"},
	{`bar`, `foo`, "/bar/x/bar", "/foo/x/foo"},
	{`;.*$`, ``, "/app/page;jsessionid=123", "/app/page"},
	{`/?\!.*$`, ``, "/app/page/!x/y", "/app/page"},
	{`/?\!.*$`, ``, "/app/page!x", "/app/page"},
	{`(;|/?\!).*$`, ``, "/a/b;x", "/a/b"},
	{`(;|/?\!).*$`, ``, "/a/b/!x", "/a/b"},
	{`^/django/(my)?portal/`, `Django Portal`, "/django/portal/", "Django Portal"},
	{`^/django/(my)?portal/`, `Django Portal`, "/django/myportal/", "Django Portal"},
	{`^/django/(my)?portal/`, `Django Portal`, "/django/yourportal/", "/django/yourportal/"},
	{`(;/?\!).*$`, ``, "/x;/!y", "/x"},
	{`(;/?\!).*$`, ``, "/x;y", "/x;y"},
	{`.*\.(js|css|jpg|gif|png|pdf|html|jar|class)$`, `Static Content`, "/static/app.js", "Static Content"},
	{`.*\.(js|css|jpg|gif|png|pdf|html|jar|class)$`, `Static Content`, "/index.htm", "/index.htm"},
	{`.*\/([a-zA-Z0-9_ ]*)\.py`, `\1`, "/cgi-bin/my script.py", "my script"},
	{`.*\/([a-zA-Z0-9_ ]*)\.py`, `\1`, "/cgi-bin/run.pyc?a=1", "runc?a=1"},

	// Python 3.7+ empty-match rules.
	{`x*`, `-`, "abxd", "-a-b--d-"},
	{`x??`, `-`, "x", "---"},
	{``, `-`, "ab", "-a-b-"},
	{`a*`, `-`, "baaac", "-b--c-"},
	{`\b`, `|`, "ab cd", "|ab| |cd|"},
	{`$`, `!`, "a\n", "a!\n!"},
	{`(?m)^`, `> `, "a\nb\n", "> a\n> b\n> "},
	{`(?m)$`, `;`, "a\nb", "a;\nb;"},
	{`(?=a)|a`, `-`, "aa", "----"},
	{`a|(?=b)`, `-`, "ab", "--b"},

	// Template syntax.
	{`(a)(b)`, `\2\1`, "ab", "ba"},
	{`(a)(b)`, `\g<2>\g<1>`, "ab", "ba"},
	{`(?P<first>\w+) (?P<last>\w+)`, `\g<last>, \g<first>`, "Ada Lovelace", "Lovelace, Ada"},
	{`(?P<x>a)`, `[\g<0>|\g<x>|\g<1>]`, "a", "[a|a|a]"},
	{`a`, `\n\t\\`, "a", "\n\t\\"},
	{`a`, `\&`, "a", `\&`},
	{`a`, `\-\/`, "a", `\-\/`},
	{`a`, `\a\b\f\r\v`, "a", "\a\b\f\r\v"},
	{`a`, `\0`, "a", "\x00"},
	{`a`, `\101\0101`, "a", "A\b1"},
	{`a`, `\é`, "a", `\é`},
	{`(a)|b`, `[\1]`, "ab", "[a][]"},
	{`(a)?b`, `<\g<1>>`, "b", "<>"},
	{`(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)`, `\10\g<1>0`, "abcdefghij", "ja0"},
	{`a`, `$1 $& ${x}`, "a", "$1 $& ${x}"},

	// Captures in repeats keep the last iteration.
	{`(a|b)+`, `\1`, "abab", "b"},
	{`(?:(a)|b)+`, `[\1]`, "ab", "[a]"},
	{`(a*)+`, `<\1>`, "aa", "<><>"},
	{`(a|)*`, `<\1>`, "aa", "<><>"},

	// Case-insensitive and Unicode input.
	{`(?i)foo`, `bar`, "FOO foo Foo", "bar bar bar"},
	{`é+`, `e`, "caféé!", "cafe!"},
	{`\s+`, ` `, "a\u00a0\u3000b", "a b"},
	{`(?a)\s+`, ` `, "a\u00a0b", "a\u00a0b"},
	{`.`, `[\g<0>]`, "😀x", "[😀][x]"},
	{`(?<=é)x`, `y`, "éx", "éy"},
	{`(?P<w>\w+)`, `<\g<w>>`, "naïve café", "<naïve> <café>"},
}

var errorCases = []errorCase{
	// Python-only and .NET-only syntax.
	{`(?<name>a)`, "unknown extension ?<n", 1},
	{`\k<name>`, `bad escape \k`, 0},
	{`(?<a-b>x)`, "unknown extension ?<a", 1},
	{`\g<1>`, `bad escape \g`, 0},
	{`\G`, `bad escape \G`, 0},
	{`\p{L}`, `bad escape \p`, 0},
	{`\q`, `bad escape \q`, 0},
	{`ab\q`, `bad escape \q`, 2},
	{`[\q]`, `bad escape \q`, 1},
	{`[\8]`, `bad escape \8`, 1},
	{`\z`, `bad escape \z`, 0},
	{`\e`, `bad escape \e`, 0},
	{`\c`, `bad escape \c`, 0},
	{`[\A]`, `bad escape \A`, 1},
	{`[\Z]`, `bad escape \Z`, 1},
	{`[\B]`, `bad escape \B`, 1},
	{`a\`, "bad escape (end of pattern)", 1},
	{`(?P<a>x)\k<a>`, `bad escape \k`, 8},
	{`(?'a'x)`, "unknown extension ?'", 1},
	{`(?n)a`, "unknown extension ?n", 1},
	{`(?P>a)`, "unknown extension ?P>", 1},
	{`(?P`, "unexpected end of pattern", 3},
	{`(?`, "unexpected end of pattern", 2},
	{`(?<`, "unexpected end of pattern", 3},
	{`(?\d)`, `unknown extension ?\d`, 1},

	// Structure.
	{`(`, "missing ), unterminated subpattern", 0},
	{`a(b`, "missing ), unterminated subpattern", 1},
	{`)`, "unbalanced parenthesis", 0},
	{`a)b`, "unbalanced parenthesis", 1},
	{`[a`, "unterminated character set", 0},
	{`x[^`, "unterminated character set", 1},
	{`[]`, "unterminated character set", 0},
	{`[a-`, "unterminated character set", 0},
	{`(?#abc`, "missing ), unterminated comment", 0},
	{`(?=a`, "missing ), unterminated subpattern", 0},
	{`(?(1)a|b`, "missing ), unterminated subpattern", 0},

	// Repeats.
	{`*`, "nothing to repeat", 0},
	{`a|*`, "nothing to repeat", 2},
	{`(*)`, "nothing to repeat", 1},
	{`^*`, "nothing to repeat", 1},
	{`\b+`, "nothing to repeat", 2},
	{`(?i)*`, "nothing to repeat", 4},
	{`{2}`, "nothing to repeat", 0},
	{`a**`, "multiple repeat", 2},
	{`a*{2}`, "multiple repeat", 2},
	{`a*?+`, "multiple repeat", 3},
	{`a{3,2}`, "min repeat greater than max repeat", 2},
	{`a{4294967296}`, "the repetition number is too large", -1},

	// Classes.
	{`[z-a]`, "bad character range z-a", 1},
	{`[\d-z]`, `bad character range \d-z`, 1},
	{`[a-\d]`, `bad character range a-\d`, 1},
	{`[\x41-\d]`, `bad character range \x-\d`, 3},
	{`[\777]`, `octal escape value \777 outside of range 0-0o377`, 1},
	{`\777`, `octal escape value \777 outside of range 0-0o377`, 0},

	// Numeric escapes.
	{`\x4`, `incomplete escape \x4`, 0},
	{`\x`, `incomplete escape \x`, 0},
	{`[\x4]`, `incomplete escape \x4`, 1},
	{`\u12`, `incomplete escape \u12`, 0},
	{`\U0011FFFF`, `bad escape \U0011FFFF`, 0},
	{`\N`, "missing {", 2},
	{`\N{`, "missing character name", 3},
	{`\N{EM DASH`, "missing }, unterminated name", 3},

	// Groups and references.
	{`(a)\2`, "invalid group reference 2", 4},
	{`\1`, "invalid group reference 1", 1},
	{`(a\1)`, "cannot refer to an open group", 2},
	{`(?P<a>a(?P=a))`, "cannot refer to an open group", 11},
	{`(a)\10`, "invalid group reference 10", 4},
	{`(?P=a)`, "unknown group name 'a'", 4},
	{`(?P<a>x)(?P<a>y)`, "redefinition of group name 'a' as group 2; was group 1", 12},
	{`(?P<1a>x)`, "bad character in group name '1a'", 4},
	{`(?P<a b>x)`, "bad character in group name 'a b'", 4},
	{`(?P<>x)`, "missing group name", 4},
	{`(?P<a-b>x)`, "bad character in group name 'a-b'", 4},
	{`(?P<1>x)`, "bad character in group name '1'", 4},
	{`(?P<·a>x)`, "bad character in group name '·a'", 4},
	{`(?P<a'b>x)`, `bad character in group name "a'b"`, 4},
	{`(?P<a	b>x)`, `bad character in group name 'a\tb'`, 4},
	{`(?P<a`, "missing >, unterminated name", 4},
	{`(?P<`, "missing group name", 4},
	{`(?P=)`, "missing group name", 4},
	{`(?(2)a|b)(c)`, "invalid group reference 2", 3},
	{`(?(x)a|b)`, "unknown group name 'x'", 3},
	{`(?(0)a|b)`, "bad group number", 3},
	{`(?(1073741823)a)`, "invalid group reference 1073741823", 3},
	{`(?(99999999999999999999)a)`, "invalid group reference 99999999999999999999", 3},
	{`(?(007)a)`, "invalid group reference 7", 3},
	{`(?(1a)a|b)`, "bad character in group name '1a'", 3},
	{`(?(-1)a|b)`, "bad character in group name '-1'", 3},
	{`(a)(?(1)a|b|c)`, "conditional backref with more than two branches", 11},
	{`(?<=(?(1)a|bc))(x)`, "cannot refer to an open group", 9},
	{`(?<=(a)\1)`, "cannot refer to group defined in the same lookbehind subpattern", 9},

	// Look-behind width.
	{`(?<=a+)b`, "look-behind requires fixed-width pattern", -1},
	{`(?<=a|bc)d`, "look-behind requires fixed-width pattern", -1},
	{`(?<!a*)b`, "look-behind requires fixed-width pattern", -1},
	{`(?<=a{1,2})b`, "look-behind requires fixed-width pattern", -1},
	{`(a+)(?<=\1)`, "look-behind requires fixed-width pattern", -1},
	{`(x)(?<=(?(1)a|bc))`, "look-behind requires fixed-width pattern", -1},

	// Flags.
	{`(?L)a`, "bad inline flags: cannot use 'L' flag with a str pattern", 3},
	{`(?au)a`, "bad inline flags: flags 'a', 'u' and 'L' are incompatible", 4},
	{`(?a)(?u)a`, "ASCII and UNICODE flags are incompatible", -1},
	{`(?-a:x)`, "bad inline flags: cannot turn off flags 'a', 'u' and 'L'", 4},
	{`(?i-i:x)`, "bad inline flags: flag turned on and off", 5},
	{`(?z)`, "unknown extension ?z", 1},
	{`(?iz)`, "unknown flag", 3},
	{`(?i!)`, "missing -, : or )", 3},
	{`(?i`, "missing -, : or )", 3},
	{`(?-`, "missing flag", 3},
	{`(?-)`, "missing flag", 3},
	{`(?-z:x)`, "unknown flag", 3},
	{`(?-i`, "missing :", 4},
	{`(?-i)`, "missing :", 4},
	{`a(?i)b`, "global flags not at the start of the expression", 1},
	{`a|(?i)b`, "global flags not at the start of the expression", 2},
	{`(?:(?i)a)`, "global flags not at the start of the expression", 3},
}

var templateErrorCases = []templateErrorCase{
	{`(a)`, `\2`, "invalid group reference 2", 1},
	{`a`, `\1`, "invalid group reference 1", 1},
	{`(a)(b)`, `x\3`, "invalid group reference 3", 2},
	{`(a)`, `\g<2>`, "invalid group reference 2", 3},
	{`(a)`, `\g<x>`, "unknown group name 'x'", -1},
	{`(a)`, `\g<1a>`, "bad character in group name '1a'", 3},
	{`(a)`, `\g<-1>`, "bad character in group name '-1'", 3},
	{`(a)`, `\g<>`, "missing group name", 3},
	{`(a)`, `\g<1`, "missing >, unterminated name", 3},
	{`(a)`, `\g`, "missing <", 2},
	{`(a)`, `\q`, `bad escape \q`, 0},
	{`(a)`, `ab\d`, `bad escape \d`, 2},
	{`(a)`, `\`, "bad escape (end of pattern)", 0},
	{`(a)`, `\777`, `octal escape value \777 outside of range 0-0o377`, 0},
	{`(a)`, `\99`, "invalid group reference 99", 1},
	{`(a)`, `\10`, "invalid group reference 10", 1},
	{`(a)`, `\g<99999999999999999999>`, "invalid group reference 99999999999999999999", 3},
	{`(a)`, `\g<01>\g<002>`, "invalid group reference 2", 9},
}

// goOnlyErrors are errors where pyre deliberately differs from the Python
// on PATH (3.11): they are checked against pyre only.
var goOnlyErrors = []errorCase{
	// \N{...} needs the Unicode name database.
	{`\N{EM DASH}`, `named character escape \N{EM DASH} is not supported by pyre; write the character or \uXXXX`, 0},
	// Python 3.11 still accepts the TEMPLATE flag; 3.13 removed it.
	{`(?t)a`, "unknown extension ?t", 1},
}
