"""The font stack every page and SVG chart names, so Chinese labels render as text and
not as empty boxes: first the fonts a Chinese Windows or macOS desk already has, then
the free Noto/Source Han faces a Linux desk (and the test browser, `make browser`) has.
Latin text keeps the system UI font because it is listed first."""

FONT_STACK = ('system-ui,"Microsoft YaHei","PingFang SC","Hiragino Sans GB",'
              '"Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei",sans-serif')
