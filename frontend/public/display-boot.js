// Elder mode before the first paint: the text size and contrast chosen on this device
// (src/display.ts keeps them under this key and sets the same things once the app runs).
// A file of its own, loaded by a blocking <script src> in <head>, because the
// Content-Security-Policy allows no inline script.
;(function () {
  try {
    var chosen = JSON.parse(localStorage.getItem('shequtong.display') || '{}') || {}
    var root = document.documentElement
    if (chosen.textSize === 125 || chosen.textSize === 150) {
      root.style.fontSize = chosen.textSize + '%'
      root.setAttribute('data-text-size', String(chosen.textSize))
    }
    if (chosen.highContrast === true) root.classList.add('high-contrast')
  } catch (e) {
    // storage disabled: the standard display
  }
})()
