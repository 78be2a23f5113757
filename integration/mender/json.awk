# Flatten JSON documents into "path=value" lines, one per scalar: object keys
# and array indices joined with dots, strings decoded (a control character or a
# \u escape outside printable ASCII becomes a question mark, newlines and tabs a space),
# numbers and true/false as written, null printed as nothing at all (a lookup
# finds no line). Several documents in a row (JSON lines) are numbered when
# run with -v multi=1: "0.phase=write", "1.phase=arm". Malformed input: one line
# on standard error and exit status 1. POSIX awk (mawk, gawk, busybox awk).
function fail(what) {
	printf "json: %s at byte %d\n", what, pos > "/dev/stderr"
	bad = 1
	exit 1
}
function skip_ws() {
	while (pos <= len && index(" \t\r\n", substr(s, pos, 1)))
		pos++
}
function hexval(h,   i, v) {
	v = 0
	for (i = 1; i <= 4; i++) {
		if (!index("0123456789abcdefABCDEF", substr(h, i, 1)))
			fail("bad \\u escape")
		v = v * 16 + index("0123456789abcdef", tolower(substr(h, i, 1))) - 1
	}
	return v
}
function string(   c, out, v) {
	pos++
	out = ""
	while (pos <= len) {
		c = substr(s, pos, 1)
		if (c == "\"") {
			pos++
			return out
		}
		if (c == "\\") {
			pos++
			c = substr(s, pos, 1)
			if (c == "n" || c == "r" || c == "t") {
				c = " "
			} else if (c == "b" || c == "f") {
				c = "?"
			} else if (c == "u") {
				v = hexval(substr(s, pos + 1, 4))
				pos += 4
				c = (v >= 32 && v < 127) ? sprintf("%c", v) : "?"
			} else if (c != "\"" && c != "\\" && c != "/") {
				fail("bad escape")
			}
		} else if (c < " ") {
			c = "?"
		}
		out = out c
		pos++
	}
	fail("unterminated string")
}
function join(path, key) {
	return path == "" ? key : path "." key
}
function value(path, depth,   c, key, n, lit) {
	if (depth > 64)
		fail("nested too deep")
	skip_ws()
	c = substr(s, pos, 1)
	if (c == "{") {
		pos++
		skip_ws()
		if (substr(s, pos, 1) == "}") {
			pos++
			return
		}
		for (;;) {
			skip_ws()
			if (substr(s, pos, 1) != "\"")
				fail("object key expected")
			key = string()
			skip_ws()
			if (substr(s, pos, 1) != ":")
				fail("colon expected")
			pos++
			value(join(path, key), depth + 1)
			skip_ws()
			c = substr(s, pos, 1)
			pos++
			if (c == "}")
				return
			if (c != ",")
				fail("comma or closing brace expected")
		}
	}
	if (c == "[") {
		pos++
		skip_ws()
		if (substr(s, pos, 1) == "]") {
			pos++
			return
		}
		for (n = 0;; n++) {
			value(join(path, n), depth + 1)
			skip_ws()
			c = substr(s, pos, 1)
			pos++
			if (c == "]")
				return
			if (c != ",")
				fail("comma or closing bracket expected")
		}
	}
	if (c == "\"") {
		print path "=" string()
		return
	}
	lit = ""
	while (pos <= len && !index("{}[],:\" \t\r\n", substr(s, pos, 1))) {
		lit = lit substr(s, pos, 1)
		pos++
	}
	if (lit !~ /^(true|false|null|-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?)$/)
		fail("value expected")
	if (lit != "null")
		print path "=" lit
}
{ s = s $0 "\n" }
END {
	if (bad)
		exit 1
	len = length(s)
	pos = 1
	for (doc = 0;; doc++) {
		skip_ws()
		if (pos > len)
			break
		if (doc > 0 && !multi)
			fail("trailing data")
		value(multi ? doc "" : "", 0)
	}
	if (doc == 0)
		fail("no document")
}
