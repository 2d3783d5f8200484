// arithmatex wraps each formula as \( ... \) or \[ ... \] in an element of class "arithmatex";
// KaTeX's auto-render turns those into typeset maths in the reader's browser, with no network.
document.addEventListener("DOMContentLoaded", () => {
  for (const element of document.querySelectorAll(".arithmatex")) {
    renderMathInElement(element, {
      delimiters: [
        { left: "\\(", right: "\\)", display: false },
        { left: "\\[", right: "\\]", display: true },
      ],
      throwOnError: false,
    });
  }
});
