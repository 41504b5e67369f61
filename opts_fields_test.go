package prom

import (
	"math"
	"reflect"
	"slices"
	"testing"
)

// TestOptsNotForDesc holds notForDesc, which lists the fields by hand to keep reflection out of
// every program, to the Opts struct: each field but the five NewDesc takes is reported when set,
// and those five are not.
func TestOptsNotForDesc(t *testing.T) {
	takes := []string{"Namespace", "Subsystem", "Unit", "ConstLabels", "ExactName"}
	typ := reflect.TypeFor[Opts]()
	for i := range typ.NumField() {
		name := typ.Field(i).Name
		var o Opts
		v := reflect.ValueOf(&o).Elem().Field(i)
		switch v.Kind() {
		case reflect.String:
			v.SetString("x")
		case reflect.Bool:
			v.SetBool(true)
		case reflect.Int, reflect.Int64:
			v.SetInt(1)
		case reflect.Float64:
			v.SetFloat(1)
		case reflect.Map:
			v.Set(reflect.MakeMap(v.Type()))
		case reflect.Slice:
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		case reflect.Pointer:
			v.Set(reflect.New(v.Type().Elem()))
		default:
			t.Fatalf("Opts.%s: kind %v; teach this test to set it", name, v.Kind())
		}
		got := o.notForDesc()
		want := []string{name}
		if slices.Contains(takes, name) {
			want = nil
		}
		if !slices.Equal(got, want) {
			t.Errorf("Opts{%s: set}.notForDesc() = %v, want %v", name, got, want)
		}
	}
	// Negative zero is not the zero value: reflect's IsZero, which this replaced, said so too.
	o := Opts{NativeFactor: math.Copysign(0, -1)}
	if got := o.notForDesc(); !slices.Equal(got, []string{"NativeFactor"}) {
		t.Errorf("Opts{NativeFactor: -0}.notForDesc() = %v, want [NativeFactor]", got)
	}
}
