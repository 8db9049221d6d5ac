// Package corpustest generates news items about made-up attacks on the
// sites of the embedded gazetteer, and renders them as RSS, for tests and
// benchmarks that run the bot or the binary over a corpus whose expected
// incidents are known in advance.
//
// Every sentence here was made up for these tests; none comes from the
// labelled corpus. Each attack phrasing names one weapon, so that all the
// reports of one attack fold into one incident: the date of the attack
// and the site it names.
package corpustest
