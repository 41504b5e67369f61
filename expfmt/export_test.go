package expfmt

// WriteFamily lends writeFamily to the tests of package expfmt_test, which read prom's output
// back with package parse (an import expfmt's own tests cannot make).
var WriteFamily = writeFamily
