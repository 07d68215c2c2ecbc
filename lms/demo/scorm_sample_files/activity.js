/* "Error hunt", the demo SCORM 1.2 activity: three AI answers beside their sources; the learner decides whether each
   can be used as it is. Two right decisions out of three pass. It speaks SCORM 1.2 through the API its LMS gives
   (window.API in a parent frame): it keeps its place in cmi.core.lesson_location and cmi.suspend_data, so a learner
   who leaves comes back to the same case, and reports its score, status and session time. Texts in kk, ru and en,
   chosen by cmi.student_preference.language. */
(function () {
  "use strict";

  var TEXTS = {
    en: {
      title: "Error hunt: spot the AI mistake",
      intro: "An AI assistant answered three questions from colleagues about documents. For each answer, decide " +
             "whether it can be used as it is or contains an error. Two right decisions out of three finish the " +
             "activity.",
      caseHeading: "Case {n} of 3", source: "Source", answer: "AI answer", ok: "Can be used as it is",
      error: "Contains an error", right: "Right.", wrong: "Not quite.", next: "Next case", resultHeading: "Result",
      score: "Right decisions: {n} of 3.", passed: "Well done: the activity is complete and the lesson is marked " +
      "as finished.", failed: "Not passed yet: at least two right decisions are needed.", again: "Try again",
      cases: [
        {source: "Applications processed: 1,200 in 2024 and 1,320 in 2025 (an increase of 10%).",
         answer: "Applications rose by 10%, from 1,200 to 1,320.",
         why: "The answer matches the source: both figures and the percentage are right. Still check every " +
              "number against the document."},
        {source: "The service centre is open Monday to Friday, 9:00 to 18:00.",
         answer: "The service centre is open every day from 9:00 to 18:00.",
         why: "The AI added something the source does not say: opening at weekends. Invented details like this " +
              "are a common error."},
        {source: "The pilot project ran in two regions: Akmola and Pavlodar.",
         answer: "The pilot project ran in three regions, Akmola, Pavlodar and Karaganda, as the ministry's 2023 " +
                 "report confirms.",
         why: "The third region and the report are made up (a hallucination). Check every source an answer " +
              "cites: does it exist, and does it say that?"}
      ]
    },
    ru: {
      title: "Охота за ошибками: найдите ошибку ИИ",
      intro: "ИИ-ассистент ответил на три вопроса коллег по документам. Для каждого ответа решите, можно ли " +
             "использовать его как есть или в нём есть ошибка. Чтобы завершить задание, нужно принять два верных " +
             "решения из трёх.",
      caseHeading: "Случай {n} из 3", source: "Источник", answer: "Ответ ИИ", ok: "Можно использовать как есть",
      error: "Есть ошибка", right: "Верно.", wrong: "Не совсем.", next: "Следующий случай",
      resultHeading: "Результат", score: "Верных решений: {n} из 3.",
      passed: "Отлично: задание выполнено, урок отмечен как завершённый.",
      failed: "Пока не пройдено: нужно не меньше двух верных решений.", again: "Попробовать снова",
      cases: [
        {source: "Обработано заявлений: в 2024 году — 1 200, в 2025 году — 1 320 (рост на 10 %).",
         answer: "Число заявлений выросло на 10 %: с 1 200 до 1 320.",
         why: "Ответ точно передаёт источник: и числа, и процент верны. И всё же сверяйте каждое число с " +
              "документом."},
        {source: "Центр обслуживания работает с понедельника по пятницу, с 9:00 до 18:00.",
         answer: "Центр обслуживания работает ежедневно с 9:00 до 18:00.",
         why: "ИИ добавил то, чего нет в источнике: работу в выходные. Такие додуманные детали — частая ошибка."},
        {source: "Пилотный проект прошёл в двух областях: Акмолинской и Павлодарской.",
         answer: "Пилотный проект прошёл в трёх областях — Акмолинской, Павлодарской и Карагандинской, что " +
                 "подтверждает отчёт министерства за 2023 год.",
         why: "Третья область и отчёт выдуманы (галлюцинация). Проверяйте каждый источник, на который ссылается " +
              "ответ: существует ли он и говорится ли в нём это."}
      ]
    },
    kk: {
      title: "Қате аулау: ЖИ қатесін табыңыз",
      intro: "ЖИ көмекшісі әріптестердің құжаттар туралы үш сұрағына жауап берді. Әр жауапты сол күйінде " +
             "пайдалануға бола ма, әлде онда қате бар ма — соны шешіңіз. Тапсырманы аяқтау үшін үш шешімнің " +
             "екеуі дұрыс болуы керек.",
      caseHeading: "{n}-жағдай (барлығы 3)", source: "Дереккөз", answer: "ЖИ жауабы",
      ok: "Сол күйінде пайдалануға болады", error: "Қате бар", right: "Дұрыс.", wrong: "Дұрыс емес.",
      next: "Келесі жағдай", resultHeading: "Нәтиже", score: "Дұрыс шешімдер: 3-тен {n}.",
      passed: "Жарайсыз: тапсырма орындалды, сабақ аяқталды деп белгіленді.",
      failed: "Әзірге өтпедіңіз: кемінде екі дұрыс шешім керек.", again: "Қайталап көру",
      cases: [
        {source: "Қаралған өтініштер: 2024 жылы — 1 200, 2025 жылы — 1 320 (10 %-ға өсім).",
         answer: "Өтініштер саны 10 %-ға өсті: 1 200-ден 1 320-ға дейін.",
         why: "Жауап дереккөзді дәл береді: сандар да, пайыз да дұрыс. Сонда да әр санды құжатпен салыстырыңыз."},
        {source: "Қызмет көрсету орталығы дүйсенбіден жұмаға дейін, 9:00-ден 18:00-ге дейін жұмыс істейді.",
         answer: "Қызмет көрсету орталығы күн сайын 9:00-ден 18:00-ге дейін жұмыс істейді.",
         why: "ЖИ дереккөзде жоқ нәрсені қосты: демалыс күндері жұмыс істеуді. Осындай ойдан қосылған " +
              "мәліметтер — жиі кездесетін қате."},
        {source: "Пилоттық жоба екі облыста өтті: Ақмола және Павлодар облыстарында.",
         answer: "Пилоттық жоба үш облыста — Ақмола, Павлодар және Қарағанды облыстарында өтті, мұны " +
                 "министрліктің 2023 жылғы есебі растайды.",
         why: "Үшінші облыс пен есеп ойдан шығарылған (галлюцинация). Жауап сілтеме жасайтын әр дереккөзді " +
              "тексеріңіз: ол бар ма және онда осылай жазылған ба?"}
      ]
    }
  };
  //: Whether each case's answer can be used as it is.
  var USABLE = [true, false, false];

  function findApi(win) {
    for (var i = 0; win && i < 10; i++) {
      try {
        if (win.API) { return win.API; }
      } catch (e) {
        return null;
      }
      if (win.parent === win) { break; }
      win = win.parent;
    }
    return null;
  }

  var api = findApi(window);
  var started = Date.now();
  var state = {index: 0, answers: []};
  var t = TEXTS.en;

  function $(id) { return document.getElementById(id); }
  function get(name) { return api ? String(api.LMSGetValue(name) || "") : ""; }
  function set(name, value) { if (api) { api.LMSSetValue(name, String(value)); } }
  function commit() { if (api) { api.LMSCommit(""); } }

  function sessionTime() {
    var seconds = Math.floor((Date.now() - started) / 1000);
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return pad(Math.floor(seconds / 3600)) + ":" + pad(Math.floor(seconds / 60) % 60) + ":" + pad(seconds % 60);
  }

  function save() {
    set("cmi.core.lesson_location", "case-" + (state.index + 1));
    set("cmi.suspend_data", JSON.stringify(state));
    set("cmi.core.exit", "suspend");
    commit();
  }

  function right() {
    return state.answers.filter(function (answer, i) { return answer === USABLE[i]; }).length;
  }

  function showCase() {
    var item = t.cases[state.index];
    $("case").hidden = false;
    $("result").hidden = true;
    $("case-heading").textContent = t.caseHeading.replace("{n}", state.index + 1);
    $("source").textContent = item.source;
    $("answer").textContent = item.answer;
    $("feedback").textContent = "";
    $("next").hidden = true;
    $("choose-ok").disabled = false;
    $("choose-error").disabled = false;
    $("choose-ok").setAttribute("aria-pressed", "false");
    $("choose-error").setAttribute("aria-pressed", "false");
  }

  function choose(usable) {
    var item = t.cases[state.index];
    state.answers[state.index] = usable;
    var ok = usable === USABLE[state.index];
    $("choose-ok").disabled = true;
    $("choose-error").disabled = true;
    (usable ? $("choose-ok") : $("choose-error")).setAttribute("aria-pressed", "true");
    $("feedback").innerHTML = "";
    var verdict = document.createElement("span");
    verdict.className = ok ? "right" : "wrong";
    verdict.textContent = (ok ? t.right : t.wrong) + " ";
    $("feedback").appendChild(verdict);
    $("feedback").appendChild(document.createTextNode(item.why));
    $("next").hidden = false;
    $("next").focus();
  }

  function finish() {
    var score = Math.round(100 * right() / USABLE.length);
    var passed = right() >= 2;
    set("cmi.core.score.min", 0);
    set("cmi.core.score.max", 100);
    set("cmi.core.score.raw", score);
    set("cmi.core.lesson_status", passed ? "passed" : "failed");
    set("cmi.core.session_time", sessionTime());
    set("cmi.core.exit", "");
    set("cmi.suspend_data", JSON.stringify(state));
    commit();
    showResult();
    if (passed && api) { api.LMSFinish(""); }
  }

  function showResult() {
    var passed = right() >= 2;
    $("case").hidden = true;
    $("result").hidden = false;
    $("result-heading").textContent = t.resultHeading;
    $("score").textContent = t.score.replace("{n}", right());
    $("verdict").textContent = passed ? t.passed : t.failed;
    $("again").hidden = passed;
    $("result").focus();
  }

  function next() {
    if (state.index + 1 < USABLE.length) {
      state.index += 1;
      save();
      showCase();
      $("case-heading").focus();
    } else {
      state.index = USABLE.length;
      finish();
    }
  }

  function again() {
    state = {index: 0, answers: []};
    set("cmi.core.lesson_status", "incomplete");
    save();
    showCase();
  }

  function start() {
    if (api) { api.LMSInitialize(""); }
    var language = get("cmi.student_preference.language").slice(0, 2);
    t = TEXTS[language] || TEXTS.en;
    document.documentElement.lang = TEXTS[language] ? language : "en";
    document.title = t.title;
    $("title").textContent = t.title;
    $("intro").textContent = t.intro;
    $("source-label").textContent = t.source;
    $("answer-label").textContent = t.answer;
    $("choose-ok").textContent = t.ok;
    $("choose-error").textContent = t.error;
    $("next").textContent = t.next;
    $("again").textContent = t.again;
    $("case-heading").tabIndex = -1;
    try {
      var saved = JSON.parse(get("cmi.suspend_data") || "null");
      if (saved && typeof saved.index === "number" && Array.isArray(saved.answers)) { state = saved; }
    } catch (e) { /* a fresh start */ }
    var status = get("cmi.core.lesson_status");
    if (status === "" || status === "not attempted") { set("cmi.core.lesson_status", "incomplete"); }
    $("choose-ok").addEventListener("click", function () { choose(true); });
    $("choose-error").addEventListener("click", function () { choose(false); });
    $("next").addEventListener("click", next);
    $("again").addEventListener("click", again);
    if (state.index >= USABLE.length) {
      showResult();
    } else {
      showCase();
      if (state.answers[state.index] !== undefined) { choose(state.answers[state.index]); }
    }
  }

  window.addEventListener("pagehide", function () {
    if (api && state.index < USABLE.length) {
      set("cmi.core.session_time", sessionTime());
      save();
    }
  });
  start();
}());
