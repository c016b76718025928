#!/bin/bash
# After a DELETE whose answer is a 500, the daemon reads the number's state
# from a listing.  It first searches by the prefix the number shares with
# another held number (the witness); the number's absence proves the release
# only if the witness is listed, otherwise the whole listing is read.  Whatever
# the API's search does (contains, prefix, exact, ignore, or answers nothing),
# a release that did not happen is never reported as done (rm: EIO, the number
# kept), and one that did is (rm: 0, gone): one DELETE each time.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 40 --sub-numbers 0 # 10 numbers +9180...: each has a witness
mount_vobizfs
pool=($(ls "$MNT/numbers" | grep "^9180"))
[ "${#pool[@]}" -ge 10 ] || { fail "only ${#pool[@]} numbers 9180...: need 10"; finish; }

# GETs of the account's listing since the last clear: with a search, and without.
narrow_gets() { requests GET '/numbers$' | jq -c 'select((.query // "") | test("(^|&)search=[^&]"))' | wc -l; }
whole_gets() { requests GET '/numbers$' | jq -c 'select((.query // "") | test("(^|&)search=[^&]") | not)' | wc -l; }
searches() { requests GET '/numbers$' | jq -r '.query // ""' | grep -o 'search=[^&]*' | paste -sd' '; }

# What each mode's verification should cost: GETs with a search, without one.
declare -A expect_gets=([contains]="1 0" [prefix]="1 1" [exact]="1 1" [ignore]="1 0" [empty]="1 1")

i=0
for mode in contains prefix exact ignore empty; do
	expect_eq "search mode set" "{\"mode\":\"$mode\"}" "$(ctl POST "/search-mode?mode=$mode" | jq -c .)"
	kept=${pool[i]} gone=${pool[i + 1]}
	i=$((i + 2))

	# (a) The API did nothing but answered 500: the number must stay.
	clear_requests
	ctl POST /faults "{\"method\":\"DELETE\",\"number\":\"$kept\",\"action\":\"status\",\"status\":500}" >/dev/null
	expect_error "[$mode] rm of $kept after an unapplied 500" "Input/output error" rm "$MNT/numbers/$kept"
	expect_eq "[$mode] DELETEs of $kept" 1 "$(count_requests DELETE)"
	got_a="$(narrow_gets) $(whole_gets)"
	expect_eq "[$mode] GETs (search, whole) verifying $kept" "${expect_gets[$mode]}" "$got_a"
	echo "[$mode] unapplied 500: GETs with search / without: $got_a ($(searches))"
	sandbox_listed | grep -qx "$kept" || fail "[$mode] $kept is no longer listed by the sandbox"
	expect_eq "[$mode] sandbox status of $kept" active "$(ctl GET "/numbers/$kept" | jq -r .status)"
	ls "$MNT/numbers" | grep -qx "$kept" || fail "[$mode] ls no longer shows $kept"

	# (b) The API released it and answered 500: rm succeeds.
	clear_requests
	ctl POST /faults "{\"method\":\"DELETE\",\"number\":\"$gone\",\"action\":\"status\",\"status\":500,\"apply\":true}" >/dev/null
	rm "$MNT/numbers/$gone" || fail "[$mode] rm of $gone after an applied 500 exited $?"
	expect_eq "[$mode] DELETEs of $gone" 1 "$(count_requests DELETE)"
	got_b="$(narrow_gets) $(whole_gets)"
	expect_eq "[$mode] GETs (search, whole) verifying $gone" "${expect_gets[$mode]}" "$got_b"
	echo "[$mode] applied 500:   GETs with search / without: $got_b ($(searches))"
	expect_eq "[$mode] sandbox status of $gone" released "$(ctl GET "/numbers/$gone" | jq -r .status)"
	ls "$MNT/numbers" | grep -qx "$gone" && fail "[$mode] ls still shows $gone"
done

# The numbers of (a) are all still held, and the ones of (b) released.
expect_eq "still held" "$(printf '%s\n' "${pool[0]}" "${pool[2]}" "${pool[4]}" "${pool[6]}" "${pool[8]}" | sort)" \
	"$(sandbox_listed | grep -xF -f <(printf '%s\n' "${pool[@]:0:10}"))"
finish
