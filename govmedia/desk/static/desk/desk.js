// Refuse a file that is too large or too many files before sending, so the
// server never has to refuse the whole form unread (and the typed text stays).
(function () {
  // After a refused post, take keyboard and screen-reader users to the summary of problems.
  var summary = document.getElementById("form-errors");
  if (summary) summary.focus();
  var form = document.querySelector("form.desk-form[data-max-file-bytes]");
  if (!form) return;
  var maxBytes = parseInt(form.dataset.maxFileBytes, 10);
  var maxFiles = parseInt(form.dataset.maxFiles, 10);
  var problem = form.querySelector(".file-problem");
  var input = form.querySelector("input[type=file]");
  if (!input || !problem) return;
  function check() {
    var files = Array.prototype.slice.call(input.files || []);
    var text = "";
    if (files.length > maxFiles) {
      text = "最多上传 " + maxFiles + " 个附件，您选择了 " + files.length + " 个。";
    } else {
      files.forEach(function (f) {
        if (!text && f.size > maxBytes) {
          text = "文件“" + f.name + "”超过每个文件 " + Math.round(maxBytes / 1048576) + " MB 的限制，请压缩或拆分后再上传。";
        }
      });
    }
    problem.textContent = text;
    problem.hidden = !text;
    if (text) input.value = "";
    return !text;
  }
  input.addEventListener("change", check);
  form.addEventListener("submit", function (e) { if (!check()) e.preventDefault(); });
})();
