// The FFmpeg macros Swift cannot import, as static inline functions and
// constants, plus a log callback that captures FFmpeg's last error message.
#ifndef CFFMPEG_SHIM_H
#define CFFMPEG_SHIM_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/channel_layout.h>
#include <libavutil/error.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>

/// `AVERROR(e)`: FFmpeg's negative error code for a POSIX errno value.
static inline int cffmpeg_averror(int errnum) { return AVERROR(errnum); }
static const int cffmpeg_eagain = AVERROR(EAGAIN);
static const int cffmpeg_enomem = AVERROR(ENOMEM);
static const int cffmpeg_eof = AVERROR_EOF;
static const int cffmpeg_invaliddata = AVERROR_INVALIDDATA;
static const int64_t cffmpeg_nopts_value = AV_NOPTS_VALUE;
static inline AVRational cffmpeg_time_base_q(void) { return AV_TIME_BASE_Q; }

/// The last message FFmpeg logged at error level or worse on this thread.
/// The reason a file fails to open ("moov atom not found") reaches only the
/// log callback, so MediaIO clears this before a call and reads it after.
/// (Function-local statics: Swift emits the inline functions a module uses,
/// but not file-scope statics of a header.)
static inline char *cffmpeg_last_error_buffer(void) {
  static _Thread_local char text[512];
  return text;
}
static inline int *cffmpeg_passthrough_level(void) {
  static int level = -1;
  return &level;
}

static inline void cffmpeg_log_callback(void *avcl, int level, const char *fmt,
                                        va_list vl) {
  int passthrough = *cffmpeg_passthrough_level();
  if (passthrough >= 0 && level <= passthrough) {
    va_list copy;
    va_copy(copy, vl);
    av_log_default_callback(avcl, level, fmt, copy);
    va_end(copy);
  }
  if (level > AV_LOG_ERROR || fmt == NULL) return;
  char line[512];
  vsnprintf(line, sizeof line, fmt, vl);
  size_t n = strlen(line);
  while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' ')) {
    line[--n] = 0;
  }
  if (n == 0) return;
  memcpy(cffmpeg_last_error_buffer(), line, n + 1);
}

/// Routes FFmpeg's log through the capturing callback. `passthroughLevel` < 0
/// keeps FFmpeg quiet; otherwise messages at that level or worse are also
/// printed as FFmpeg would (e.g. `AV_LOG_WARNING`, for debugging).
static inline void cffmpeg_install_log_capture(int passthroughLevel) {
  *cffmpeg_passthrough_level() = passthroughLevel;
  av_log_set_callback(cffmpeg_log_callback);
}

/// Fixes glibc's mmap threshold at `bytes` (see
/// `ProcessMemory.returnLargeBlocksWhenFreed`); elsewhere a no-op.
static inline void cffmpeg_fix_mmap_threshold(int bytes) {
#ifdef __GLIBC__
  mallopt(M_MMAP_THRESHOLD, bytes);
#else
  (void)bytes;
#endif
}

static inline void cffmpeg_clear_last_error(void) { cffmpeg_last_error_buffer()[0] = 0; }
static inline const char *cffmpeg_last_error(void) { return cffmpeg_last_error_buffer(); }

#endif
