// FFTW 3 (double precision), Debian's libfftw3-dev. Only DSP imports it.
#ifndef CFFTW_SHIM_H
#define CFFTW_SHIM_H
#include <fftw3.h>
#endif
