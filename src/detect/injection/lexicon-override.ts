/**
 * The "ignore your previous instructions" family, in 27 languages, as three lists of stems: a verb
 * (ignore, forget, disregard…), a modifier (previous, above, all, your, system…) and a noun
 * (instructions, rules, prompt…). The override rule fires when the three occur in one clause,
 * in any order, so that verb-first and verb-last languages are both covered and inflected forms
 * match their stem. Stems are regular-expression sources written here by hand (no user input).
 *
 * Stems in scripts with letter case are matched case-insensitively at the start of a word;
 * stems in scripts written without spaces (Chinese, Japanese, Thai) anywhere.
 */

export interface OverrideStems {
  readonly verbs: readonly string[];
  /** Modifiers that point back at earlier instructions (previous, above, system…). */
  readonly mods: readonly string[];
  /** Modifiers that only quantify or possess (all, your…): a weaker signal. */
  readonly weak: readonly string[];
  readonly nouns: readonly string[];
}

export const OVERRIDE_STEMS: Readonly<Record<string, OverrideStems>> = {
  en: {
    verbs: ['ignore', 'disregard', 'forget', 'overlook', 'override', 'bypass', 'skip', 'discard', 'abandon', 'set aside', 'pay no attention to', 'stop following', 'do not follow', "don't follow", 'no longer follow', 'nevermind', 'never mind', 'scrap', 'drop', 'throw out', 'cancel'],
    mods: ['previous', 'prior', 'above', 'earlier', 'preceding', 'foregoing', 'original', 'initial', 'former', 'system', 'developer'],
    weak: ['all', 'any', 'every', 'your', 'you were given', 'you have been given', 'you received', 'you were told', 'you have been told'],
    nouns: ['instruction', 'prompt', 'rules', 'directions', 'directive', 'guideline', 'guidance', 'commands', 'orders', 'constraints', 'restrictions', 'programming', 'system message'],
  },
  es: {
    verbs: ['ignor', 'olvid', 'omit', 'descart', 'haz caso omiso', 'no hagas caso', 'desobedec', 'deja de seguir', 'no sigas', 'pasa por alto', 'anula'],
    mods: ['anterior', 'previa', 'previo', 'de arriba', 'precedente', 'original', 'del sistema', 'iniciales'],
    weak: ['todas', 'todos', 'tus', 'sus', 'recibid', 'recibiste', 'que te dieron', 'que te dije'],
    nouns: ['instrucci', 'indicaciones', 'órdenes', 'ordenes', 'reglas', 'directrices', 'normas', 'restricciones', 'pautas', 'prompt'],
  },
  fr: {
    verbs: ['ignor', 'oubli', 'ne tiens pas compte', 'ne tenez pas compte', 'ne tiens plus compte', 'ne tenez plus compte', 'faites abstraction', 'fais abstraction', 'passe outre', 'passez outre', 'ne suis plus', 'ne suivez plus', 'outrepass', 'contourn'],
    mods: ['précédent', 'precedent', 'antérieur', 'anterieur', 'ci-dessus', 'plus haut', 'initial', 'système', 'systeme', "d'origine", 'originales'],
    weak: ['toutes', 'tous', 'tes', 'vos', 'reçues', 'recues'],
    nouns: ['instructions', 'consignes', 'règles', 'regles', 'directives', 'ordres', 'indications', 'restrictions', 'prompt'],
  },
  de: {
    verbs: ['ignorier', 'vergiss', 'vergesst', 'vergessen sie', 'missacht', 'übergeh', 'uebergeh', 'überspring', 'außer acht', 'ausser acht', 'nicht beacht', 'nicht mehr beacht', 'nicht befolg', 'nicht mehr befolg', 'hinwegsetz', 'umgeh'],
    mods: ['vorherig', 'vorig', 'obig', 'bisherig', 'ursprünglich', 'urspruenglich', 'früher', 'frueher', 'vorangegangen', 'vorstehend', 'system'],
    weak: ['alle', 'deine', 'ihre', 'gegebenen'],
    nouns: ['anweisung', 'instruktion', 'befehl', 'regeln', 'richtlinie', 'vorgaben', 'anordnung', 'einschränkung', 'prompt', 'vorschriften'],
  },
  it: {
    verbs: ['ignor', 'dimentic', 'trascur', 'tralasci', 'non considerare', 'non seguire', 'non tenere conto', 'lascia perdere', 'scorda', 'aggira'],
    mods: ['precedent', 'sopra', 'original', 'iniziali', 'di sistema'],
    weak: ['tutte', 'tutti', 'tue', 'vostre', 'ricevut'],
    nouns: ['istruzion', 'regole', 'indicazioni', 'direttive', 'ordini', 'comandi', 'restrizioni', 'prompt', 'linee guida'],
  },
  pt: {
    verbs: ['ignor', 'esqueç', 'esquec', 'desconsider', 'desprez', 'não siga', 'nao siga', 'deixe de seguir', 'descart', 'contorn'],
    mods: ['anterior', 'acima', 'original', 'originais', 'prévias', 'previas', 'do sistema', 'iniciais'],
    weak: ['todas', 'todos', 'suas', 'tuas', 'recebid'],
    nouns: ['instruç', 'instruc', 'regras', 'diretrizes', 'ordens', 'comandos', 'orientaç', 'restriç', 'prompt'],
  },
  nl: {
    verbs: ['negeer', 'negeren', 'vergeet', 'vergeten', 'sla over', 'volg niet', 'niet meer volgen', 'omzeil'],
    mods: ['vorige', 'eerdere', 'bovenstaande', 'oorspronkelijke', 'systeem', 'voorgaande'],
    weak: ['alle', 'je', 'jouw', 'uw'],
    nouns: ['instructie', 'regels', 'opdrachten', 'richtlijnen', 'aanwijzingen', 'bevelen', 'prompt'],
  },
  sv: {
    verbs: ['ignorera', 'glöm', 'bortse', 'strunta i', 'följ inte', 'kringgå'],
    mods: ['tidigare', 'föregående', 'ovanstående', 'ursprungliga', 'system'],
    weak: ['alla', 'dina'],
    nouns: ['instruktion', 'regler', 'direktiv', 'riktlinjer', 'anvisningar', 'prompt'],
  },
  da_no: {
    verbs: ['ignorer', 'glem', 'se bort fra', 'følg ikke', 'omgå'],
    mods: ['tidligere', 'foregående', 'ovenstående', 'oprindelige', 'opprinnelige', 'system'],
    weak: ['alle', 'dine'],
    nouns: ['instruktion', 'instruksjon', 'instrukser', 'regler', 'retningslinjer', 'prompt'],
  },
  pl: {
    verbs: ['zignoruj', 'ignoruj', 'zapomnij', 'zapomnieć', 'pomiń', 'pomin', 'zlekceważ', 'lekceważ', 'nie stosuj się', 'nie przestrzegaj', 'obejdź'],
    mods: ['poprzedni', 'wcześniejsz', 'powyższ', 'systemow', 'dotychczasow', 'pierwotn'],
    weak: ['wszystk', 'swoje', 'twoje'],
    nouns: ['instrukcj', 'polece', 'zasad', 'reguł', 'wytyczn', 'prompt', 'ogranicze'],
  },
  cs: {
    verbs: ['ignoruj', 'zapomeň', 'zapomen', 'nevšímej', 'nedbej', 'přeskoč', 'obejdi'],
    mods: ['předchozí', 'dřívější', 'výše', 'systémov', 'původní'],
    weak: ['všechn', 'své', 'tvoje'],
    nouns: ['instrukc', 'pokyn', 'pravidl', 'příkaz', 'prompt', 'omezení'],
  },
  ro: {
    verbs: ['ignoră', 'ignora', 'ignorați', 'uită', 'uitați', 'nu mai urma', 'nu respecta'],
    mods: ['anterioare', 'precedente', 'de mai sus', 'sistem', 'inițiale'],
    weak: ['toate', 'tale'],
    nouns: ['instrucțiun', 'instrucţiun', 'instructiun', 'reguli', 'indicații', 'directive', 'prompt'],
  },
  ru: {
    verbs: ['игнорир', 'проигнорир', 'забуд', 'забыть', 'не обращай', 'не обращайте', 'пренебр', 'отбрось', 'отбросьте', 'не следуй', 'не выполняй', 'перестань следовать', 'обойди'],
    mods: ['предыдущ', 'прежн', 'ранее', 'выше', 'изначальн', 'системн', 'исходн'],
    weak: ['все', 'всё', 'свои', 'твои', 'ваши', 'полученн'],
    nouns: ['инструкц', 'указани', 'правил', 'команд', 'директив', 'распоряжени', 'ограничени', 'промпт', 'установк'],
  },
  uk: {
    verbs: ['ігнору', 'проігнору', 'забудь', 'забудьте', 'не звертай', 'не звертайте', 'не виконуй', 'не дотримуйся'],
    mods: ['попередн', 'вище', 'системн', 'початков'],
    weak: ['всі', 'усі', 'свої', 'твої'],
    nouns: ['інструкці', 'вказівк', 'правил', 'команд', 'обмежен', 'промпт', 'настанов'],
  },
  el: {
    verbs: ['αγνόησ', 'αγνοησ', 'αγνοήστε', 'ξέχασ', 'ξεχασ', 'ξεχάστε', 'μην ακολουθείς', 'παράκαμψ'],
    mods: ['προηγούμεν', 'προηγουμεν', 'παραπάνω', 'αρχικ', 'συστήματος'],
    weak: ['όλες', 'όλα', 'ολες', 'σου', 'σας'],
    nouns: ['οδηγί', 'οδηγι', 'εντολ', 'κανόν', 'κανον', 'περιορισμ'],
  },
  tr: {
    verbs: ['görmezden', 'yok say', 'unut', 'dikkate alma', 'göz ardı', 'uyma', 'takma', 'atla'],
    mods: ['önceki', 'yukarıdaki', 'sistem', 'önceden', 'ilk'],
    weak: ['tüm', 'bütün', 'eski', 'verilen'],
    nouns: ['talimat', 'kural', 'yönerge', 'komut', 'emir', 'istem', 'prompt', 'kısıtlama'],
  },
  ar: {
    verbs: ['تجاهل', 'انس', 'إنس', 'تناس', 'أهمل', 'اهمل', 'تخط', 'لا تتبع', 'لا تلتزم', 'تغاض'],
    mods: ['السابق', 'سابق', 'أعلاه', 'اعلاه', 'الأصلي', 'الاصلي', 'النظام', 'الماضي'],
    weak: ['جميع', 'كل ال', 'المعطاة'],
    nouns: ['تعليمات', 'التعليمات', 'إرشادات', 'ارشادات', 'الإرشادات', 'أوامر', 'اوامر', 'الأوامر', 'قواعد', 'القواعد', 'توجيهات', 'التوجيهات', 'قيود'],
  },
  he: {
    verbs: ['התעלם', 'תתעלם', 'שכח', 'תשכח', 'אל תציית', 'אל תקשיב'],
    mods: ['הקודמ', 'הקודם', 'לעיל', 'המקורי', 'המערכת'],
    weak: ['כל ה', 'שקיבלת'],
    nouns: ['הוראות', 'ההוראות', 'הנחיות', 'ההנחיות', 'כללים', 'הכללים', 'פקודות'],
  },
  fa: {
    verbs: ['نادیده', 'فراموش', 'توجه نکن', 'پیروی نکن', 'اعتنا نکن'],
    mods: ['قبلی', 'پیشین', 'بالا', 'سیستم', 'اولیه'],
    weak: ['همه', 'تمام'],
    nouns: ['دستورالعمل', 'دستورات', 'دستور', 'قوانین', 'قواعد', 'راهنمایی'],
  },
  hi: {
    verbs: ['अनदेखा', 'नज़रअंदाज़', 'नजरअंदाज', 'भूल जा', 'भूल जाओ', 'उपेक्षा', 'पालन न', 'पालन मत'],
    mods: ['पिछले', 'पिछली', 'पूर्व', 'ऊपर', 'पहले', 'सिस्टम', 'मूल'],
    weak: ['सभी', 'सारे'],
    nouns: ['निर्देश', 'नियम', 'आदेश', 'हिदायत', 'प्रॉम्प्ट'],
  },
  bn: {
    verbs: ['উপেক্ষা', 'ভুলে যাও', 'ভুলে যান', 'অগ্রাহ্য'],
    mods: ['আগের', 'পূর্ববর্তী', 'উপরের'],
    weak: ['সমস্ত', 'সব'],
    nouns: ['নির্দেশ', 'নিয়ম', 'আদেশ'],
  },
  zh: {
    verbs: ['忽略', '忽视', '忽視', '无视', '無視', '忘记', '忘記', '忘掉', '不要理会', '不要理會', '别管', '跳过', '跳過', '不要遵守', '不再遵守', '绕过', '繞過', '抛弃', '拋棄'],
    mods: ['之前', '以前', '先前', '上面', '上述', '前面', '原来', '原來', '原有', '系统', '系統', '此前'],
    weak: ['所有', '全部', '一切', '你的'],
    nouns: ['指令', '指示', '说明', '說明', '规则', '規則', '命令', '提示', '要求', '设定', '設定', '限制'],
  },
  ja: {
    verbs: ['無視', '忘れ', '従わな', 'したがわな', '破棄'],
    mods: ['以前', '前の', 'これまで', '上記', '上の', '先の', 'システム', '元の', '最初の'],
    weak: ['全て', 'すべて'],
    nouns: ['指示', '命令', 'ルール', '規則', '指令', 'プロンプト', '設定', '制約'],
  },
  ko: {
    verbs: ['무시', '잊어', '잊으', '잊고', '따르지', '우회'],
    mods: ['이전', '앞의', '앞서', '위의', '기존', '시스템', '원래'],
    weak: ['모든'],
    nouns: ['지시', '지침', '명령', '규칙', '프롬프트', '설정', '제한'],
  },
  vi: {
    verbs: ['bỏ qua', 'phớt lờ', 'quên', 'lờ đi', 'không tuân theo', 'đừng làm theo', 'gạt bỏ'],
    mods: ['trước', 'ở trên', 'bên trên', 'hệ thống', 'ban đầu'],
    weak: ['tất cả', 'mọi'],
    nouns: ['hướng dẫn', 'chỉ dẫn', 'chỉ thị', 'quy tắc', 'lệnh', 'mệnh lệnh', 'yêu cầu'],
  },
  id_ms: {
    verbs: ['abaikan', 'lupakan', 'hiraukan', 'jangan ikuti', 'jangan patuhi', 'lewati', 'acuhkan'],
    mods: ['sebelumnya', 'di atas', 'sistem', 'awal', 'terdahulu'],
    weak: ['semua', 'seluruh'],
    nouns: ['instruksi', 'perintah', 'aturan', 'petunjuk', 'arahan', 'peraturan'],
  },
  th: {
    verbs: ['เพิกเฉย', 'ลืม', 'ไม่ต้องสนใจ', 'ละเว้น', 'ข้าม', 'ไม่ต้องทำตาม'],
    mods: ['ก่อนหน้า', 'ข้างต้น', 'ระบบ', 'เดิม'],
    weak: ['ทั้งหมด'],
    nouns: ['คำสั่ง', 'คำแนะนำ', 'กฎ', 'ข้อกำหนด'],
  },
  sw: {
    verbs: ['puuza', 'sahau', 'usifuate'],
    mods: ['zilizopita', 'za awali', 'hapo juu', 'za mfumo'],
    weak: ['zote'],
    nouns: ['maagizo', 'maelekezo', 'sheria', 'amri'],
  },
};
