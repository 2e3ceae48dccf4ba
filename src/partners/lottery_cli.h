/*
 * lottery_cli.h — the `gzf lottery` commands (verify a proof, draw one).
 */
#ifndef GZF_PARTNERS_LOTTERY_CLI_H
#define GZF_PARTNERS_LOTTERY_CLI_H

/*
 * lottery_cli_main — `gzf lottery verify PROOF` and `gzf lottery draw --list FILE
 * --randomness DIGITS [--beacon HEX] [--drawn-at TIME]`; argv holds the arguments after
 * "lottery". Returns the exit status. verify: 0 and "ok: N candidates in G groups, seed
 * S" on standard output when the proof checks; 1 and "mismatch: <the first difference>"
 * when it does not; 2 when PROOF cannot be read or is not a well-formed proof. draw: 0
 * with the proof (one line of JSON) on standard output; 1 when the draw is refused (the
 * randomness is not what the list committed to, or it is before the committed time); 2
 * for bad usage, an unreadable or invalid list, or malformed randomness.
 */
int lottery_cli_main(int argc, char **argv);

#endif
