//! Tests of the Markdown stage (`biaogan::markdown`).

use biaogan::markdown::{heading_id, render, Highlighter, Rendered};

fn md(input: &str) -> Rendered {
    render(input, &Highlighter::new())
}

/// Renders `input` and compares the HTML (without the final newline) with `expected`.
fn check(input: &str, expected: &str) {
    let html = md(input).html;
    assert_eq!(html.trim_end(), expected, "input: {input:?}");
}

fn check_all(cases: &[(&str, &str)]) {
    for (input, expected) in cases {
        check(input, expected);
    }
}

// ---------------------------------------------------------------------------------------
// CJK-friendly emphasis
// ---------------------------------------------------------------------------------------

// Test cases of the CommonMark CJK-friendly amendments
// (https://github.com/tats-u/markdown-cjk-friendly, directory `testcases/`), one paragraph
// each, with the expected output of the reference implementation (markdown-it-cjk-friendly
// snapshot) in pulldown-cmark's HTML style (`"` is not escaped in text).  Invisible
// characters (variation selectors, zero-width space) are written as `\u{…}` escapes.

/// `testcases/strong.md`: `**` around kana/han (all of them must render as `<strong>`).
const STRONG: &[(&str, &str)] = &[
    (
        "これは**私のやりたかったこと。**だからするの。",
        "<p>これは<strong>私のやりたかったこと。</strong>だからするの。</p>",
    ),
    (
        "**[製品ほげ](./product-foo)**と**[製品ふが](./product-bar)**をお試しください",
        "<p><strong><a href=\"./product-foo\">製品ほげ</a></strong>と<strong><a href=\"./product-bar\">製品ふが</a></strong>をお試しください</p>",
    ),
    (
        "単語と**[単語と](word-and)**単語",
        "<p>単語と<strong><a href=\"word-and\">単語と</a></strong>単語</p>",
    ),
    (
        "**これは太字になりません。**ご注意ください。",
        "<p><strong>これは太字になりません。</strong>ご注意ください。</p>",
    ),
    (
        "カッコに注意**（太字にならない）**文が続く場合に要警戒。",
        "<p>カッコに注意<strong>（太字にならない）</strong>文が続く場合に要警戒。</p>",
    ),
    (
        "**[リンク](https://example.com)**も注意。（画像も同様）",
        "<p><strong><a href=\"https://example.com\">リンク</a></strong>も注意。（画像も同様）</p>",
    ),
    (
        "先頭の**\\`コード\\`も注意。**",
        "<p>先頭の<strong>`コード`も注意。</strong></p>",
    ),
    (
        "**末尾の\\`コード\\`**も注意。",
        "<p><strong>末尾の`コード`</strong>も注意。</p>",
    ),
    (
        "税込**¥10,000**で入手できます。",
        "<p>税込<strong>¥10,000</strong>で入手できます。</p>",
    ),
    (
        "正解は**④**です。",
        "<p>正解は<strong>④</strong>です。</p>",
    ),
    (
        "太郎は**「こんにちわ」**といった",
        "<p>太郎は<strong>「こんにちわ」</strong>といった</p>",
    ),
    (
        "太郎は**\"こんにちわ\"**といった",
        "<p>太郎は<strong>\"こんにちわ\"</strong>といった</p>",
    ),
    (
        "太郎は**こんにちわ**といった",
        "<p>太郎は<strong>こんにちわ</strong>といった</p>",
    ),
    (
        "太郎は**「Hello」**といった",
        "<p>太郎は<strong>「Hello」</strong>といった</p>",
    ),
    (
        "太郎は**\"Hello\"**といった",
        "<p>太郎は<strong>\"Hello\"</strong>といった</p>",
    ),
    (
        "太郎は**Hello**といった",
        "<p>太郎は<strong>Hello</strong>といった</p>",
    ),
    (
        "太郎は**「Oh my god」**といった",
        "<p>太郎は<strong>「Oh my god」</strong>といった</p>",
    ),
    (
        "太郎は**\"Oh my god\"**といった",
        "<p>太郎は<strong>\"Oh my god\"</strong>といった</p>",
    ),
    (
        "太郎は**Oh my god**といった",
        "<p>太郎は<strong>Oh my god</strong>といった</p>",
    ),
    (
        "**C#**や**F#**は**「.NET」**というプラットフォーム上で動作します。",
        "<p><strong>C#</strong>や<strong>F#</strong>は<strong>「.NET」</strong>というプラットフォーム上で動作します。</p>",
    ),
    (
        "IDが**001号**になります。",
        "<p>IDが<strong>001号</strong>になります。</p>",
    ),
    (
        "IDが**００１号**になります。",
        "<p>IDが<strong>００１号</strong>になります。</p>",
    ),
    (
        "Go**「初心者」**を対象とした記事です。",
        "<p>Go<strong>「初心者」</strong>を対象とした記事です。</p>",
    ),
    (
        "**[リンク](https://example.com)**も注意。",
        "<p><strong><a href=\"https://example.com\">リンク</a></strong>も注意。</p>",
    ),
    (
        "**⻲田太郎**と申します",
        "<p><strong>⻲田太郎</strong>と申します</p>",
    ),
    (
        "・**㋐**:選択肢１つ目",
        "<p>・<strong>㋐</strong>:選択肢１つ目</p>",
    ),
    (
        "**真，**她",
        "<p><strong>真，</strong>她</p>",
    ),
    (
        "**真。**她",
        "<p><strong>真。</strong>她</p>",
    ),
    (
        "**真、**她",
        "<p><strong>真、</strong>她</p>",
    ),
    (
        "**真；**她",
        "<p><strong>真；</strong>她</p>",
    ),
    (
        "**真：**她",
        "<p><strong>真：</strong>她</p>",
    ),
    (
        "**真？**她",
        "<p><strong>真？</strong>她</p>",
    ),
    (
        "**真！**她",
        "<p><strong>真！</strong>她</p>",
    ),
    (
        "**真“**她",
        "<p><strong>真“</strong>她</p>",
    ),
    (
        "**真”**她",
        "<p><strong>真”</strong>她</p>",
    ),
    (
        "**真‘**她",
        "<p><strong>真‘</strong>她</p>",
    ),
    (
        "**真’**她",
        "<p><strong>真’</strong>她</p>",
    ),
    (
        "**真（**她",
        "<p><strong>真（</strong>她</p>",
    ),
    (
        "真**（她**",
        "<p>真<strong>（她</strong></p>",
    ),
    (
        "**真）**她",
        "<p><strong>真）</strong>她</p>",
    ),
    (
        "**真【**她",
        "<p><strong>真【</strong>她</p>",
    ),
    (
        "真**【她**",
        "<p>真<strong>【她</strong></p>",
    ),
    (
        "**真】**她",
        "<p><strong>真】</strong>她</p>",
    ),
    (
        "**真《**她",
        "<p><strong>真《</strong>她</p>",
    ),
    (
        "真**《她**",
        "<p>真<strong>《她</strong></p>",
    ),
    (
        "**真》**她",
        "<p><strong>真》</strong>她</p>",
    ),
    (
        "**真—**她",
        "<p><strong>真—</strong>她</p>",
    ),
    (
        "**真～**她",
        "<p><strong>真～</strong>她</p>",
    ),
    (
        "**真…**她",
        "<p><strong>真…</strong>她</p>",
    ),
    (
        "**真·**她",
        "<p><strong>真·</strong>她</p>",
    ),
    (
        "**真〃**她",
        "<p><strong>真〃</strong>她</p>",
    ),
    (
        "**真-**她",
        "<p><strong>真-</strong>她</p>",
    ),
    (
        "**真々**她",
        "<p><strong>真々</strong>她</p>",
    ),
    (
        "**真**她",
        "<p><strong>真</strong>她</p>",
    ),
    (
        "**真，** 她",
        "<p><strong>真，</strong> 她</p>",
    ),
    (
        "**真**，她",
        "<p><strong>真</strong>，她</p>",
    ),
    (
        "**真，**&ZeroWidthSpace;她",
        "<p><strong>真，</strong>\u{200B}她</p>",
    ),
    (
        "私は**⻲田太郎**と申します",
        "<p>私は<strong>⻲田太郎</strong>と申します</p>",
    ),
    (
        "選択肢**㋐**: 1つ目の選択肢",
        "<p>選択肢<strong>㋐</strong>: 1つ目の選択肢</p>",
    ),
    (
        "**さようなら︙**と太郎はいった。",
        "<p><strong>さようなら︙</strong>と太郎はいった。</p>",
    ),
    (
        ".NET**（.NET Frameworkは不可）**では、",
        "<p>.NET<strong>（.NET Frameworkは不可）</strong>では、</p>",
    ),
    (
        "「禰\u{E0100}」の偏は示ではなく**礻**です。",
        "<p>「禰\u{E0100}」の偏は示ではなく<strong>礻</strong>です。</p>",
    ),
    (
        "Git**（注：不是GitHub）**",
        "<p>Git<strong>（注：不是GitHub）</strong></p>",
    ),
    (
        "太郎は**「こんにちわ」**といった。",
        "<p>太郎は<strong>「こんにちわ」</strong>といった。</p>",
    ),
    (
        "𰻞𰻞**（ビャンビャン）**麺",
        "<p>𰻞𰻞<strong>（ビャンビャン）</strong>麺</p>",
    ),
    (
        "𰻞𰻞**(ビャンビャン)**麺",
        "<p>𰻞𰻞<strong>(ビャンビャン)</strong>麺</p>",
    ),
    (
        "ハイパーテキストコーヒーポット制御プロトコル**(HTCPCP)**",
        "<p>ハイパーテキストコーヒーポット制御プロトコル<strong>(HTCPCP)</strong></p>",
    ),
    (
        "﨑**(崎)**",
        "<p>﨑<strong>(崎)</strong></p>",
    ),
    (
        "国際規格**[ECMA-262](https://tc39.es/ecma262/)**",
        "<p>国際規格<strong><a href=\"https://tc39.es/ecma262/\">ECMA-262</a></strong></p>",
    ),
    (
        "㐧**(第の俗字)**",
        "<p>㐧<strong>(第の俗字)</strong></p>",
    ),
    (
        "𠮟**(こちらが正式表記)**",
        "<p>𠮟<strong>(こちらが正式表記)</strong></p>",
    ),
    (
        "𪜈**(トモの合略仮名)**",
        "<p>𪜈<strong>(トモの合略仮名)</strong></p>",
    ),
    (
        "𫠉**(馬の俗字)**",
        "<p>𫠉<strong>(馬の俗字)</strong></p>",
    ),
    (
        "谺𬤲**(こだま)**石神社",
        "<p>谺𬤲<strong>(こだま)</strong>石神社</p>",
    ),
    (
        "石𮧟**(いしただら)**",
        "<p>石𮧟<strong>(いしただら)</strong></p>",
    ),
    (
        "**推荐几个框架：**React、Vue等前端框架。",
        "<p><strong>推荐几个框架：</strong>React、Vue等前端框架。</p>",
    ),
    (
        "葛\u{E0100}**(こちらが正式表記)**城市",
        "<p>葛\u{E0100}<strong>(こちらが正式表記)</strong>城市</p>",
    ),
    (
        "禰\u{E0100}**(こちらが正式表記)**豆子",
        "<p>禰\u{E0100}<strong>(こちらが正式表記)</strong>豆子</p>",
    ),
    (
        "𱟛**(U+317DB)**",
        "<p>𱟛<strong>(U+317DB)</strong></p>",
    ),
    (
        "阿寒湖アイヌシアターイコㇿ**(Akanko Ainu Theater Ikor)**",
        "<p>阿寒湖アイヌシアターイコㇿ<strong>(Akanko Ainu Theater Ikor)</strong></p>",
    ),
    (
        "あ𛀙**(か)**よろし",
        "<p>あ𛀙<strong>(か)</strong>よろし</p>",
    ),
    (
        "𮹝**(simplified form of 龘 in China)**",
        "<p>𮹝<strong>(simplified form of 龘 in China)</strong></p>",
    ),
    (
        "大塚\u{FE00}**(U+585A U+FE00)** 大塚**(U+FA10)**",
        "<p>大塚\u{FE00}<strong>(U+585A U+FE00)</strong> 大塚<strong>(U+FA10)</strong></p>",
    ),
    (
        "〽\u{FE0E}**(庵点)**は、",
        "<p>〽\u{FE0E}<strong>(庵点)</strong>は、</p>",
    ),
    (
        "**“\u{FE01}Git”\u{FE01}**Hub",
        "<p><strong>“\u{FE01}Git”\u{FE01}</strong>Hub</p>",
    ),
];

/// `testcases/korean.md`: `**` around Hangul.
const KOREAN: &[(&str, &str)] = &[
    (
        "**이 [링크](https://example.kr/)**만을 강조하고 싶다.",
        "<p><strong>이 <a href=\"https://example.kr/\">링크</a></strong>만을 강조하고 싶다.</p>",
    ),
    (
        "**스크립트(script)**라고",
        "<p><strong>스크립트(script)</strong>라고</p>",
    ),
    (
        "패키지를 발행하려면 **`npm publish`**를 실행하십시오.",
        "<p>패키지를 발행하려면 <strong><code>npm publish</code></strong>를 실행하십시오.</p>",
    ),
    (
        "**안녕(hello)**하세요.",
        "<p><strong>안녕(hello)</strong>하세요.</p>",
    ),
    ("ᅡ**(a)**", "<p>ᅡ<strong>(a)</strong></p>"),
    ("**(k)**ᄏ", "<p><strong>(k)</strong>ᄏ</p>"),
];

/// `testcases/pseudo-emoji.md`: CJK symbols that are also unqualified emoji.
const PSEUDO_EMOJI: &[(&str, &str)] = &[
    ("a**〰**a", "<p>a<strong>〰</strong>a</p>"),
    ("a**〽**a", "<p>a<strong>〽</strong>a</p>"),
    ("a**🈂**a", "<p>a<strong>🈂</strong>a</p>"),
    ("a**🈷**a", "<p>a<strong>🈷</strong>a</p>"),
    ("a**㊗**a", "<p>a<strong>㊗</strong>a</p>"),
    ("a**㊙**a", "<p>a<strong>㊙</strong>a</p>"),
];

/// `testcases/non-bmp.md`: non-CJK (incl. non-BMP) punctuation; none of these may become `<strong>`.
const NON_BMP: &[(&str, &str)] = &[
    ("a**a«**a", "<p>a**a«**a</p>"),
    ("a**»a**a", "<p>a**»a**a</p>"),
    ("a**a∇**a", "<p>a**a∇**a</p>"),
    ("a**∇a**a", "<p>a**∇a**a</p>"),
    ("a**a𝜵**a", "<p>a**a𝜵**a</p>"),
    ("a**𝜵a**a", "<p>a**𝜵a**a</p>"),
    ("a**𐬻a**a", "<p>a**𐬻a**a</p>"),
    ("a**a𐬻**a", "<p>a**a𐬻**a</p>"),
];

/// `testcases/underscore-cjk-punct.md`: `_`/`__` next to CJK punctuation and variation selectors.
const UNDERSCORE_CJK_PUNCT: &[(&str, &str)] = &[
    (
        "__注意__：注意事項",
        "<p><strong>注意</strong>：注意事項</p>",
    ),
    (
        "注意：__注意事項__",
        "<p>注意：<strong>注意事項</strong></p>",
    ),
    (
        "正體字。\u{FE01}_Traditional._",
        "<p>正體字。\u{FE01}<em>Traditional.</em></p>",
    ),
    (
        "正體字。\u{FE01}__Hong Kong and Taiwan.__",
        "<p>正體字。\u{FE01}<strong>Hong Kong and Taiwan.</strong></p>",
    ),
    (
        "简体字 / 新字体。\u{FE00}_Simplified._",
        "<p>简体字 / 新字体。\u{FE00}<em>Simplified.</em></p>",
    ),
    (
        "简体字 / 新字体。\u{FE00}__Mainland China or Japan.__",
        "<p>简体字 / 新字体。\u{FE00}<strong>Mainland China or Japan.</strong></p>",
    ),
    (
        "“\u{FE01}Git”\u{FE01}__Hub__",
        "<p>“\u{FE01}Git”\u{FE01}<strong>Hub</strong></p>",
    ),
];

/// The example in the markdown-it-cjk-friendly README.
const README_EXAMPLE: &[(&str, &str)] = &[
    (
        "**このアスタリスクは強調記号として認識されず、そのまま表示されます。**この文のせいで。",
        "<p><strong>このアスタリスクは強調記号として認識されず、そのまま表示されます。</strong>この文のせいで。</p>",
    ),
    (
        "**该星号不会被识别，而是直接显示。**这是因为它没有被识别为强调符号。",
        "<p><strong>该星号不会被识别，而是直接显示。</strong>这是因为它没有被识别为强调符号。</p>",
    ),
    (
        "**이 별표는 강조 표시로 인식되지 않고 그대로 표시됩니다(이 괄호 때문에)**이 문장 때문에.",
        "<p><strong>이 별표는 강조 표시로 인식되지 않고 그대로 표시됩니다(이 괄호 때문에)</strong>이 문장 때문에.</p>",
    ),
];

#[test]
fn amendment_strong_cases() {
    check_all(STRONG);
}

#[test]
fn amendment_korean_cases() {
    check_all(KOREAN);
}

#[test]
fn amendment_pseudo_emoji_cases() {
    check_all(PSEUDO_EMOJI);
}

#[test]
fn amendment_non_bmp_punctuation_cases() {
    check_all(NON_BMP);
    for (input, _) in NON_BMP {
        assert!(!md(input).html.contains("<strong>"), "input: {input:?}");
    }
}

#[test]
fn amendment_underscore_cases() {
    check_all(UNDERSCORE_CJK_PUNCT);
}

#[test]
fn amendment_readme_example() {
    check_all(README_EXAMPLE);
}

#[test]
fn chinese_emphasis_examples() {
    check(
        "**质量第一。**后文",
        "<p><strong>质量第一。</strong>后文</p>",
    );
    check("**“零缺陷”**管理", "<p><strong>“零缺陷”</strong>管理</p>");
    check("坚持*质量第一。*原则", "<p>坚持<em>质量第一。</em>原则</p>");
    check(
        "推行**“三全”质量管理（全员、全过程、全方位）。**成效显著",
        "<p>推行<strong>“三全”质量管理（全员、全过程、全方位）。</strong>成效显著</p>",
    );
    check(
        "**真，**她**好**",
        "<p><strong>真，</strong>她<strong>好</strong></p>",
    );
    check(
        "***重中之重。***然后",
        "<p><em><strong>重中之重。</strong></em>然后</p>",
    );
    check(
        "**关键：**[标准](https://example.com)**很重要。**后文",
        "<p><strong>关键：</strong><a href=\"https://example.com\">标准</a><strong>很重要。</strong>后文</p>",
    );
}

#[test]
fn chinese_emphasis_in_other_containers() {
    let r = md("## **重点。**内容\n\n| 项目 |\n|---|\n| **合格。**率 |\n\n- **要求：**达标\n");
    assert!(
        r.html
            .contains("<strong>重点。</strong>内容<a class=\"heading-anchor\""),
        "{}",
        r.html
    );
    assert!(
        r.html.contains("<td><strong>合格。</strong>率</td>"),
        "{}",
        r.html
    );
    assert!(
        r.html.contains("<li><strong>要求：</strong>达标</li>"),
        "{}",
        r.html
    );
    assert_eq!(r.headings[0].id, "重点内容");
    assert_eq!(r.headings[0].text, "重点。内容");
}

#[test]
fn emphasis_amendment_never_touches_code_urls_or_html() {
    check(
        "`**不是强调。**后文`",
        "<p><code>**不是强调。**后文</code></p>",
    );
    check(
        "前文`**代码。**`**强调。**后文",
        "<p>前文<code>**代码。**</code><strong>强调。</strong>后文</p>",
    );
    check(
        "```\n**不是强调。**后文\n```",
        "<pre class=\"code\"><code>**不是强调。**后文\n</code></pre>",
    );
    check(
        "[链接](https://example.com/**路径。**后)",
        "<p><a href=\"https://example.com/**%E8%B7%AF%E5%BE%84%E3%80%82**%E5%90%8E\">链接</a></p>",
    );
    check(
        "<https://example.com/**a。**b>",
        "<p><a href=\"https://example.com/**a%E3%80%82**b\">https://example.com/**a。**b</a></p>",
    );
    check("\\*\\*转义。\\*\\*后文", "<p>**转义。**后文</p>");
    check("&ast;&ast;实体。&ast;&ast;后文", "<p>**实体。**后文</p>");
    let r = md("<span title=\"**属性。**后\">文字</span>");
    assert!(r.html.contains("title=\"**属性。**后\""), "{}", r.html);
}

#[test]
fn english_emphasis_unchanged() {
    check("a * b * c", "<p>a * b * c</p>");
    check("snake_case_word", "<p>snake_case_word</p>");
    check(
        "use snake_case_word here",
        "<p>use snake_case_word here</p>",
    );
    check("*foo*bar", "<p><em>foo</em>bar</p>");
    check("**foo.**bar", "<p>**foo.**bar</p>");
    check("_foo_bar", "<p>_foo_bar</p>");
    check("2 * 3 * 4 = 24", "<p>2 * 3 * 4 = 24</p>");
    check("__init__.py", "<p><strong>init</strong>.py</p>");
    check("中文_下划线_中文", "<p>中文_下划线_中文</p>");
    check(
        "变量 my_var_name 与 *强调*",
        "<p>变量 my_var_name 与 <em>强调</em></p>",
    );
}

/// Paragraph-only English documents must render exactly as stock pulldown-cmark does.
#[test]
fn english_paragraphs_match_pulldown_cmark() {
    let cases = [
        "*foo bar*",
        "a * foo bar*",
        "foo*bar*",
        "_foo bar_",
        "foo_bar_",
        "_(_foo_)_",
        "**foo bar**",
        "foo**bar**",
        "__foo, __bar__, baz__",
        "*foo **bar** baz*",
        "*foo**bar**baz*",
        "***foo** bar*",
        "foo***bar***baz",
        "foo******bar*********baz",
        "*foo [*bar*](/url)*",
        "**foo*",
        "*foo**",
        "***foo**",
        "****foo*",
        "__foo_",
        "*foo _bar* baz_",
        "*a `*`*",
        "**a<http://foo.bar/?q=**>",
        "~~*a~~*",
        "x_y_z **a_b** _c*d_e*",
        "*a*\n*b*\n*c",
        "**a**b**c**",
        "a\\*b*c*",
        "Price: 5 * 3 = 15, see *note*.",
        "The **bold** and the _italic_, done.",
    ];
    for case in cases {
        let mut expected = String::new();
        let options = pulldown_cmark::Options::ENABLE_TABLES
            | pulldown_cmark::Options::ENABLE_FOOTNOTES
            | pulldown_cmark::Options::ENABLE_STRIKETHROUGH
            | pulldown_cmark::Options::ENABLE_TASKLISTS
            | pulldown_cmark::Options::ENABLE_HEADING_ATTRIBUTES;
        pulldown_cmark::html::push_html(
            &mut expected,
            pulldown_cmark::Parser::new_ext(case, options),
        );
        assert_eq!(md(case).html, expected, "input: {case:?}");
    }
}

// ---------------------------------------------------------------------------------------
// Headings
// ---------------------------------------------------------------------------------------

#[test]
fn heading_id_rules() {
    let cases = [
        ("主要做法", "主要做法"),
        ("一、主要做法", "一主要做法"),
        ("（一）背景：“零缺陷”管理。", "一背景零缺陷管理"),
        ("Hello World", "hello-world"),
        ("  Hello   World  ", "hello-world"),
        ("ISO 9001:2015 认证", "iso-90012015-认证"),
        ("C++ 与 Rust", "c-与-rust"),
        ("snake_case-name", "snake_case-name"),
        ("质量　管理", "质量-管理"),
        ("！？。，", "section"),
        ("", "section"),
        ("???", "section"),
        ("第①章", "第①章"),
    ];
    for (text, id) in cases {
        assert_eq!(heading_id(text), id, "text: {text:?}");
    }
}

#[test]
fn heading_markup() {
    check(
        "## 主要做法",
        "<h2 id=\"主要做法\">主要做法<a class=\"heading-anchor\" href=\"#主要做法\" aria-label=\"本节链接\">#</a></h2>",
    );
    check(
        "# A & B \"引号\" \\<b>",
        "<h1 id=\"a-b-引号-b\">A &amp; B \"引号\" &lt;b&gt;<a class=\"heading-anchor\" href=\"#a-b-引号-b\" aria-label=\"本节链接\">#</a></h1>",
    );
    check(
        "### 背景 {#bg .intro}",
        "<h3 id=\"bg\" class=\"intro\">背景<a class=\"heading-anchor\" href=\"#bg\" aria-label=\"本节链接\">#</a></h3>",
    );
    // Heading attributes other than id and class are not rendered (no `onclick=` via `{…}`).
    let r = md("# 标题 {#t onclick=alert(1)}");
    assert!(!r.html.contains("onclick"), "{}", r.html);
}

#[test]
fn heading_fragment_encoding() {
    // Only what a fragment cannot hold is percent-encoded; the id attribute is HTML-escaped.
    let r = md("# 标题 {#a%b\"c}");
    assert!(r.html.contains("id=\"a%b&quot;c\""), "{}", r.html);
    assert!(r.html.contains("href=\"#a%25b%22c\""), "{}", r.html);
}

#[test]
fn duplicate_heading_ids() {
    let r = md("# 概述\n\n## 概述\n\n### 概述-1\n\n## 概述\n\n## 概述 {#概述}\n\n## ！\n\n## ？\n");
    let ids: Vec<&str> = r.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "概述",
            "概述-1",
            "概述-1-1",
            "概述-2",
            "概述-3",
            "section",
            "section-1"
        ]
    );
    let levels: Vec<u8> = r.headings.iter().map(|h| h.level).collect();
    assert_eq!(levels, [1, 2, 3, 2, 2, 2, 2]);
    assert!(r.html.contains("<h2 id=\"概述-2\">"));
    assert!(r.html.contains("href=\"#概述-2\""));
}

#[test]
fn heading_text_is_plain() {
    let r = md("## **重点**与 `code` 及[链接](x)\n\nSetext 标题\n---\n");
    assert_eq!(r.headings[0].text, "重点与 code 及链接");
    assert_eq!(r.headings[0].id, "重点与-code-及链接");
    assert_eq!(r.headings[1].text, "Setext 标题");
    assert_eq!(r.headings[1].level, 2);
}

// ---------------------------------------------------------------------------------------
// Links
// ---------------------------------------------------------------------------------------

fn positions(r: &Rendered) -> Vec<(&str, usize, usize, bool)> {
    r.links
        .iter()
        .map(|l| (l.url.as_str(), l.line, l.column, l.is_image))
        .collect()
}

#[test]
fn links_with_positions() {
    let doc = "第一行\n见[标准](https://example.com/标准 \"标题\")和![图表](chart.svg)。\n\n\
               > 引用 <https://auto.example.com> 与 <mail@example.com>\n\n\
               - 列表[引用][ref]、[ref][]与[ref]\n\n\
               [多行\n链接](\n  <dest with space.md>)\n\n\
               [ref]: https://ref.example.com \"标题\"\n";
    let r = md(doc);
    assert_eq!(
        positions(&r),
        [
            ("https://example.com/标准", 2, 7, false),
            ("chart.svg", 2, 42, true),
            ("https://auto.example.com", 4, 7, false),
            ("mailto:mail@example.com", 4, 36, false),
            ("https://ref.example.com", 12, 8, false),
            ("https://ref.example.com", 12, 8, false),
            ("https://ref.example.com", 12, 8, false),
            ("dest with space.md", 10, 4, false),
        ]
    );
}

#[test]
fn link_positions_with_crlf() {
    let r = md("标题\r\n\r\n正文[链接](a.md)\r\n![图](b.png)\r\n");
    assert_eq!(
        positions(&r),
        [("a.md", 3, 8, false), ("b.png", 4, 6, true)]
    );
}

#[test]
fn images_are_lazy_and_figures() {
    check(
        "![质量趋势](chart.svg)",
        "<figure><img src=\"chart.svg\" alt=\"质量趋势\" loading=\"lazy\"><figcaption>质量趋势</figcaption></figure>",
    );
    check(
        "![](chart.svg)",
        "<figure><img src=\"chart.svg\" alt=\"\" loading=\"lazy\"></figure>",
    );
    check(
        "见![图 *1* **二**](a.png \"标题\")。",
        "<p>见<img src=\"a.png\" alt=\"图 1 二\" title=\"标题\" loading=\"lazy\">。</p>",
    );
    check(
        "![图](图表/趋势.svg)",
        "<figure><img src=\"%E5%9B%BE%E8%A1%A8/%E8%B6%8B%E5%8A%BF.svg\" alt=\"图\" loading=\"lazy\"><figcaption>图</figcaption></figure>",
    );
}

// ---------------------------------------------------------------------------------------
// Raw HTML
// ---------------------------------------------------------------------------------------

#[test]
fn sanitizer_removes_script_and_reports_line() {
    let r = md("# 标题\n\n正文\n\n<script>\nalert(\"x\");\n</script>\n\n结尾\n");
    assert!(!r.html.contains("script"), "{}", r.html);
    assert!(!r.html.contains("alert"), "{}", r.html);
    assert!(r.html.contains("<p>结尾</p>"));
    assert_eq!(r.warnings.len(), 1);
    assert_eq!(r.warnings[0].line, 5);
    assert!(
        r.warnings[0].message.contains("<script>"),
        "{:?}",
        r.warnings
    );
}

#[test]
fn sanitizer_removes_event_handlers() {
    let r = md("第一段\n\n<div class=\"note\" onclick=\"steal()\">注意</div>\n\n正文<span onmouseover=\"x()\">红字</span>\n");
    assert!(!r.html.contains("onclick"), "{}", r.html);
    assert!(!r.html.contains("onmouseover"), "{}", r.html);
    assert!(
        r.html.contains("<div class=\"note\">注意</div>"),
        "{}",
        r.html
    );
    assert!(r.html.contains("<span>红字</span>"), "{}", r.html);
    let lines: Vec<usize> = r.warnings.iter().map(|w| w.line).collect();
    assert_eq!(lines, [3, 5]);
    assert!(r.warnings[0].message.contains("onclick"));
    assert!(r.warnings[1].message.contains("onmouseover"));
}

#[test]
fn sanitizer_removes_javascript_urls() {
    let r = md("<a href=\"javascript:alert(1)\">点我</a>\n\n<a href=\"java&#x09;script:alert(1)\">编码</a>\n");
    assert!(!r.html.contains("javascript"), "{}", r.html);
    assert!(!r.html.contains("alert"), "{}", r.html);
    assert_eq!(r.warnings.len(), 2, "{:?}", r.warnings);
    assert!(r.warnings.iter().all(|w| w.message.contains("javascript:")));
    assert_eq!((r.warnings[0].line, r.warnings[1].line), (1, 3));

    // Markdown links with script URLs are dropped too (the text stays), with a warning.
    let r = md("正文\n[点我](javascript:alert(1))和![图](javascript:alert(2))\n");
    assert!(!r.html.contains("javascript"), "{}", r.html);
    assert!(r.html.contains("点我"), "{}", r.html);
    assert_eq!(r.warnings.len(), 2, "{:?}", r.warnings);
    assert_eq!((r.warnings[0].line, r.warnings[1].line), (2, 2));
}

#[test]
fn sanitizer_strips_iframes_and_style() {
    let r = md("<iframe src=\"https://evil.example\"></iframe>\n\n<style>body{display:none}</style>\n\n<p style=\"color:red\">文字</p>\n");
    assert!(!r.html.contains("iframe"), "{}", r.html);
    assert!(!r.html.contains("display"), "{}", r.html);
    assert!(!r.html.contains("color"), "{}", r.html);
    assert!(r.html.contains("文字"));
    assert_eq!(r.warnings.len(), 3, "{:?}", r.warnings);
}

#[test]
fn harmless_raw_html_gives_no_warning() {
    let r = md("按 <kbd>Ctrl</kbd>+<kbd>C</kbd> 复制<br>\n\n<!-- 编辑注释 -->\n\n<details><summary>展开</summary>内容</details>\n");
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    assert!(r.html.contains("<kbd>Ctrl</kbd>"));
    assert!(!r.html.contains("编辑注释"));
}

#[test]
fn sanitized_documents_keep_our_own_markup() {
    let doc = "## 主要做法\n\n<b>粗体</b>\n\n| a | b |\n|:-:|---|\n| 1 | 2 |\n\n- [x] 完成\n\n```python\nx = 1\n```\n\n![图](a.png)\n\n[^1]\n\n[^1]: 脚注\n";
    let r = md(doc);
    let html = &r.html;
    assert!(html.contains("<h2 id=\"主要做法\">主要做法<a class=\"heading-anchor\" href=\"#主要做法\" aria-label=\"本节链接\">#</a></h2>"), "{html}");
    assert!(html.contains("<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"表格（可横向滚动）\">"), "{html}");
    assert!(
        html.contains("<th style=\"text-align:center\">a</th>"),
        "{html}"
    );
    assert!(
        html.contains("<input disabled=\"\" type=\"checkbox\" checked=\"\">"),
        "{html}"
    );
    assert!(
        html.contains(
            "<pre class=\"code\" data-lang=\"python\"><code><span class=\"hl-source hl-python\">"
        ),
        "{html}"
    );
    assert!(
        html.contains("<img src=\"a.png\" alt=\"图\" loading=\"lazy\">"),
        "{html}"
    );
    assert!(
        html.contains("<sup class=\"footnote-reference\"><a href=\"#1\">1</a></sup>"),
        "{html}"
    );
    assert!(
        html.contains("<div class=\"footnote-definition\" id=\"1\">"),
        "{html}"
    );
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

#[test]
fn documents_without_raw_html_skip_the_sanitizer() {
    // ammonia would re-serialize `<hr />` as `<hr>`; pulldown-cmark's output is kept as is.
    let r = md("正文\n\n***\n\n- [ ] 待办\n");
    assert!(r.html.contains("<hr />"), "{}", r.html);
    assert!(
        r.html.contains("<input disabled=\"\" type=\"checkbox\"/>"),
        "{}",
        r.html
    );
}

// ---------------------------------------------------------------------------------------
// Tables and code
// ---------------------------------------------------------------------------------------

#[test]
fn tables_are_wrapped() {
    check(
        "| 指标 | 数值 |\n|---|---:|\n| 合格率 | 99% |",
        "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"表格（可横向滚动）\">\n<table><thead><tr><th>指标</th><th style=\"text-align: right\">数值</th></tr></thead><tbody>\n<tr><td>合格率</td><td style=\"text-align: right\">99%</td></tr>\n</tbody></table>\n</div>",
    );
}

#[test]
fn code_blocks_are_highlighted() {
    let r = md("```python\ndef f():\n    return 1\n```\n");
    assert!(
        r.html
            .starts_with("<pre class=\"code\" data-lang=\"python\"><code><span class=\"hl-"),
        "{}",
        r.html
    );
    assert!(
        r.html
            .contains("<span class=\"hl-storage hl-type hl-function hl-python\">def</span>"),
        "{}",
        r.html
    );
    assert!(r.html.contains("hl-keyword"), "{}", r.html);
    assert!(r.html.ends_with("</code></pre>\n"), "{}", r.html);

    let r = md("```Rust,ignore\nfn main() {}\n```\n");
    assert!(r.html.contains("data-lang=\"Rust\""), "{}", r.html);
    assert!(r.html.contains("hl-source hl-rust"), "{}", r.html);
}

#[test]
fn unknown_or_missing_language_is_escaped_plain_text() {
    check(
        "```no-such-language\n<b>&\n```",
        "<pre class=\"code\" data-lang=\"no-such-language\"><code>&lt;b&gt;&amp;\n</code></pre>",
    );
    check(
        "```\n<b>\n```",
        "<pre class=\"code\"><code>&lt;b&gt;\n</code></pre>",
    );
    check(
        "    缩进代码 <i>\n",
        "<pre class=\"code\"><code>缩进代码 &lt;i&gt;\n</code></pre>",
    );
}

#[test]
fn highlighter_api() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Highlighter>();
    let h = Highlighter::new();
    assert_eq!(
        h.highlight("a<b", None),
        "<pre class=\"code\"><code>a&lt;b</code></pre>\n"
    );
    assert!(h
        .highlight("x = 1\n", Some("py"))
        .contains("hl-source hl-python"));
    let css = h.css();
    assert!(css.contains("pre.code {"), "{css}");
    assert!(css.contains(".hl-"), "{css}");
    assert!(
        css.contains("@media (prefers-color-scheme: dark) {"),
        "{css}"
    );
    // Thread safety in practice: render on several threads with one highlighter.
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                let r = render("```rust\nfn main() {}\n```\n**质量。**后", &h);
                assert!(r.html.contains("<strong>质量。</strong>后"));
            });
        }
    });
}

// ---------------------------------------------------------------------------------------
// Plain text
// ---------------------------------------------------------------------------------------

#[test]
fn plain_text_for_search() {
    let doc = "# 标题\n\n第一段**强调。**继续\n换行后的中文\nand English\n\n| 列1 | 列2 |\n|---|---|\n| 甲 | 乙 |\n\n```\ncode line\n```\n\n- 条目<b>一</b>\n- 条目二\n";
    let r = md(doc);
    assert_eq!(
        r.text,
        "标题\n第一段强调。继续换行后的中文 and English\n列1 列2\n甲 乙\ncode line\n条目一\n条目二"
    );
}

// ---------------------------------------------------------------------------------------
// Snapshots of a realistic case document
// ---------------------------------------------------------------------------------------

const CASE_DOCUMENT: &str = r##"# 某装备制造集团：以“零缺陷”为核心的全面质量管理

> **案例摘要：**该集团推行**“零缺陷”**管理，三年内产品一次交检合格率由 96.2% 提升至 99.5%。

## 一、基本情况

某装备制造集团成立于 1998 年，主营大型工程机械。企业坚持**质量第一。**把质量作为立企之本，先后获得全国质量奖、省长质量奖等荣誉[^award]。

## 二、主要做法

### （一）构建“三全”质量管理体系

1. **全员参与：**建立质量积分制度，覆盖一线员工 12,000 余人；
2. **全过程控制：**从设计、采购、制造到服务，设置 36 个质量控制点；
3. **全方位改进：**每年开展 QC 小组活动 400 余项。

### （二）数字化质量管控

| 指标 | 2021 年 | 2022 年 | 2023 年 |
|:-----|-------:|-------:|-------:|
| 一次交检合格率 | 96.2% | 98.1% | **99.5%** |
| 百台故障率 | 3.1 | 2.2 | 1.4 |
| 客户满意度 | 88 | 91 | *94* |

![近三年质量指标趋势](images/quality-trend.svg "质量指标趋势")

质量数据平台按如下规则计算批次合格率：

```python
def batch_yield(passed: int, total: int) -> float:
    """一次交检合格率"""
    return passed / total if total else 0.0
```

### （三）供应商协同

- [x] 建立供应商分级评价（A/B/C 三级）
- [x] 关键零部件**100%**入厂检验
- [ ] 推行供应商质量工程师（SQE）驻厂制度

详见《[供应商质量管理办法][sqm]》及 <https://www.example.com/quality>。

## 三、主要成效

经过三年实践，集团实现了~~返工率高企~~到*一次做对*的转变。主要经验可以概括为：

> 质量不是检验出来的，而是设计和制造出来的。

## 二、主要做法

（本节为重复标题，用于检验锚点去重。）

（本案例数据由企业提供。）

[sqm]: https://www.example.com/sqm.pdf "供应商质量管理办法"
[^award]: 2019 年获全国质量奖，2021 年获省长质量奖。
"##;

#[test]
fn case_document_snapshots() {
    let r = md(CASE_DOCUMENT);
    assert!(r.warnings.is_empty());
    insta::assert_snapshot!("case_document_html", r.html);
    insta::assert_snapshot!("case_document_text", r.text);
    insta::assert_yaml_snapshot!("case_document_outline", (&r.headings, &r.links));
}

/// The same document with raw HTML appended goes through the sanitizer: our own markup must
/// survive it, the event handler must not.
#[test]
fn case_document_with_raw_html_snapshot() {
    let doc = format!(
        "{CASE_DOCUMENT}\n<div class=\"note\" onclick=\"track()\">数据来源：<b>企业年报</b></div>\n"
    );
    let r = md(&doc);
    insta::assert_snapshot!("case_document_sanitized_html", r.html);
    insta::assert_yaml_snapshot!("case_document_sanitized_warnings", r.warnings);
}

// ---------------------------------------------------------------------------------------
// Robustness
// ---------------------------------------------------------------------------------------

/// Checks that every `<strong>`/`<em>` opened is closed, in order.
fn assert_balanced(html: &str, input: &str) {
    let mut stack: Vec<&str> = Vec::new();
    let mut rest = html;
    while let Some(p) = rest.find('<') {
        rest = &rest[p..];
        for tag in ["strong", "em"] {
            if rest.starts_with(&format!("<{tag}>")) {
                stack.push(tag);
            } else if rest.starts_with(&format!("</{tag}>")) {
                assert_eq!(
                    stack.pop(),
                    Some(tag),
                    "unbalanced output for {input:?}: {html}"
                );
            }
        }
        rest = &rest[1..];
    }
    assert!(stack.is_empty(), "unclosed tags for {input:?}: {html}");
}

fn adversarial_inputs() -> Vec<String> {
    let mut inputs: Vec<String> = vec![
        ">".repeat(5_000) + " 深层引用",
        ">".repeat(5_000) + " <b>x</b>",
        "- ".repeat(5_000) + "列表",
        "1. ".repeat(5_000) + "列表",
        "* ".repeat(5_000) + "**质量。**后",
        "[".repeat(5_000) + &"](x)".repeat(5_000),
        "![".repeat(5_000) + &"](x)".repeat(5_000),
        "*".repeat(1 << 20),
        "a".to_string() + &"*".repeat(1 << 20) + "字",
        "字。*".repeat(50_000),
        "**“".repeat(5_000) + "字" + &"”**字".repeat(5_000),
        "*a ".repeat(5_000) + &"b* ".repeat(5_000),
        "_".repeat(100_000),
        "`".repeat(10_000),
        "<div>".repeat(2_000),
        "<".repeat(10_000),
        "&".repeat(10_000) + ";",
        "\0".to_string(),
        "\0**\0**\0".to_string(),
        "# \0 {#\0}".to_string(),
        "**质量\0。**后".to_string(),
        "a\r\n**b。**字\r\n\r\n> c\r\n".to_string(),
        "a\r**b。**字\rc".to_string(),
        "\u{FEFF}# 标题".to_string(),
        "\u{FE01}**\u{FE01}**\u{E0100}**".to_string(),
        "**\u{FE0F}字**".to_string(),
        "```".to_string(),
        "```python\n".to_string() + &"x = '\\\n".repeat(2_000),
        "```python\n".to_string() + &"x".repeat(100_000) + "\n```",
        "~~~\n\n".to_string(),
        "[^1]\n\n[^1]: [^1]".to_string(),
        "[^\u{0}]: x\n[^\u{0}]".to_string(),
        "| a |\n|-|\n|".to_string(),
        "|".repeat(5_000) + "\n" + &"|-".repeat(2_500),
        "# {#}".to_string(),
        "# 标题 {#a #b .c .d x=y}".to_string(),
        "<script".to_string(),
        "<a href=\"javascript:".to_string(),
        "<a href='".to_string(),
        "<!--".to_string(),
        "<img src=x onerror=alert(1)//".to_string(),
        "[a](<b)".to_string(),
        "[a]: <".to_string(),
        "![](".to_string(),
        "[x](javascript:".to_string(),
        "\\".repeat(10_001) + "*a*",
        " ".repeat(100_000),
        "\n".repeat(100_000),
        "字".repeat(300_000),
        "**质量第一。**后文\n".repeat(10_000),
    ];
    // Random mixtures of delimiters, CJK text and punctuation, markup characters.
    let alphabet: Vec<char> = "**__~`[]()!<>\\\n 字，。“”（）a.1-#|\u{FE01}\u{E0100}😀가"
        .chars()
        .collect();
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    for _ in 0..400 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let len = (state % 60) as usize + 1;
        let mut s = String::new();
        for _ in 0..len {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            s.push(alphabet[(state % alphabet.len() as u64) as usize]);
        }
        inputs.push(s);
    }
    inputs
}

/// No input may panic (nor overflow the stack: this runs on a test thread with the default
/// 2 MiB stack, like a rayon worker).
#[test]
fn never_panics_on_adversarial_input() {
    let h = Highlighter::new();
    for input in adversarial_inputs() {
        let r = render(&input, &h);
        let short: String = input.chars().take(40).collect();
        assert_balanced(&r.html, &short);
        for link in &r.links {
            assert!(link.line >= 1 && link.column >= 1, "{short:?}");
        }
        for warning in &r.warnings {
            assert!(warning.line >= 1, "{short:?}");
        }
    }
}

#[test]
fn soft_breaks_between_chinese_characters_vanish() {
    let html = biaogan::markdown::render(
        "质量管理\n数字化转型\n\nquality\nmanagement\n",
        &Highlighter::new(),
    )
    .html;
    assert!(html.contains("<p>质量管理数字化转型</p>"), "{html}");
    assert!(html.contains("quality\nmanagement"), "{html}");
}
