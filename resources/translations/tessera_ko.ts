<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="ko_KR">
<context>
    <name>LensPanel</name>
    <message>
        <source>Indirect object (IOI)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The capital of France</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Negation “안” (notes 003)</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>out of memory; try a smaller size</source>
        <translation>메모리가 부족합니다. 더 작은 크기로 해 보세요</translation>
    </message>
    <message>
        <source>unknown failure</source>
        <translation>알 수 없는 오류</translation>
    </message>
    <message>
        <source>no job runner</source>
        <translation>작업 실행기가 없습니다</translation>
    </message>
    <message>
        <source>a whole number from %1 to %2</source>
        <translation>%1부터 %2까지의 정수</translation>
    </message>
    <message>
        <source>in [%1, %2]</source>
        <translation>[%1, %2] 범위의 값</translation>
    </message>
    <message>
        <source>one of %1</source>
        <translation>%1 중 하나</translation>
    </message>
    <message>
        <source>yes or no</source>
        <translation>yes 또는 no</translation>
    </message>
    <message>
        <source>--%1: "%2" is not %3</source>
        <translation>--%1: "%2"은(는) %3이(가) 아닙니다</translation>
    </message>
    <message>
        <source> in [%1, %2]</source>
        <translation> ([%1, %2] 범위)</translation>
    </message>
    <message>
        <source> (%1 to %2)</source>
        <translation> (%1부터 %2까지)</translation>
    </message>
    <message numerus="yes">
        <source>--%1 is given %n times; it takes one value</source>
        <translation>
            <numerusform>--%1이(가) %n번 주어졌습니다. 값은 하나만 받습니다</numerusform></translation>
    </message>
    <message>
        <source>--%1: "%2" is not a whole number from %3 to %4</source>
        <translation>--%1: "%2"은(는) %3부터 %4까지의 정수가 아닙니다</translation>
    </message>
    <message>
        <source>--dims: "%1" is not a list of dimensions like 4,5,6,7 or 0-3</source>
        <translation>--dims: "%1"은(는) 4,5,6,7 이나 0-3 같은 차원 목록이 아닙니다</translation>
    </message>
    <message>
        <source>--dims: give 1 to 16 dimensions (got "%1")</source>
        <translation>--dims: 차원을 1개에서 16개까지 주세요 (받은 값: "%1")</translation>
    </message>
    <message>
        <source>trustworthiness %1 · %2-NN preserved %3</source>
        <translation>신뢰도(trustworthiness) %1 · %2-NN 보존율 %3</translation>
    </message>
    <message>
        <source> (over %1 sampled points)</source>
        <translation> (표본 %1개 기준)</translation>
    </message>
    <message>
        <source>layer %1</source>
        <translation type="unfinished">레이어 %1</translation>
    </message>
    <message>
        <source>head %1</source>
        <translation type="unfinished">헤드 %1</translation>
    </message>
    <message>
        <source>head</source>
        <translation type="unfinished">헤드</translation>
    </message>
    <message>
        <source>layer</source>
        <translation type="unfinished">레이어</translation>
    </message>
    <message>
        <source>logit(%1)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>logit(%1) − logit(%2)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>position</source>
        <translation type="unfinished">위치</translation>
    </message>
    <message>
        <source>residual stream</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>p(top token)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 · %2: top token %3 (p = %4)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>attribution</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Head ablation (zeroed): change in %1 · unablated %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>change</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Activation patching, %1: %2 · clean %3, corrupted %4</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>every head</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>normalised</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>metric</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>residual entering</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>log p(%1)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>integrated gradients of %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>gradient × input of %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Gradient × input per token of %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>patch column</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>patch row</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>flow</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>relevance</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Attention flow (Abnar &amp; Zuidema) from each patch to [CLS] · %1 predicted</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Chefer relevance of [CLS] over the patches for %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Logit lens: the top token's probability · p(%1) = %2 at the last position, rank %3</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Direct logit attribution of %1 · parts sum to %2, total %3</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>(patched − corrupted) / (clean − corrupted)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Integrated gradients, %1 steps · completeness gap %2 (F(x) − F(0) = %3)</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>tessera::alignment::AlignmentPanel</name>
    <message>
        <source>Alignment</source>
        <translation>정렬</translation>
    </message>
    <message>
        <source>An encoder-decoder (T5, BART) translating: which source tokens each target token reads, by head, layer and step, with the beams it considered</source>
        <translation>번역하는 인코더-디코더(T5, BART): 타깃 토큰마다 어떤 소스 토큰을 읽는지 헤드·레이어·단계별로, 고려한 빔과 함께</translation>
    </message>
    <message>
        <source>No model. Open an encoder-decoder checkpoint (T5, BART, a dates run).</source>
        <translation>모델이 없습니다. 인코더-디코더 체크포인트(T5, BART, dates 학습 결과)를 여세요.</translation>
    </message>
    <message>
        <source>A checkpoint folder (config.json, model.safetensors and the tokenizer files)</source>
        <translation>체크포인트 폴더 (config.json, model.safetensors, 토크나이저 파일)</translation>
    </message>
    <message>
        <source>Open an encoder-decoder</source>
        <translation>인코더-디코더 열기</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>입력</translation>
    </message>
    <message>
        <source>The text the encoder reads</source>
        <translation>인코더가 읽는 텍스트</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>소스</translation>
    </message>
    <message>
        <source>empty: the model writes it</source>
        <translation>비우면 모델이 씁니다</translation>
    </message>
    <message>
        <source>A target to score and inspect (teacher forcing); leave it empty to let the model generate one</source>
        <translation>점수를 매기고 살펴볼 타깃(교사 강요). 비워 두면 모델이 생성합니다</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>타깃</translation>
    </message>
    <message>
        <source>1: greedy decoding; more: beam search over that many hypotheses (the best is shown; all are listed under Beams)</source>
        <translation>1: 탐욕적 디코딩, 그 이상: 그만큼의 가설로 빔 탐색 (가장 좋은 것을 보여 주고, 모두 빔 탭에 나열)</translation>
    </message>
    <message>
        <source>Beams</source>
        <translation>빔</translation>
    </message>
    <message>
        <source>The most tokens generation writes</source>
        <translation>생성이 쓰는 최대 토큰 수</translation>
    </message>
    <message>
        <source>Max tokens</source>
        <translation>최대 토큰 수</translation>
    </message>
    <message>
        <source>View</source>
        <translation>보기</translation>
    </message>
    <message>
        <source>cross-attention (target → source)</source>
        <translation>크로스 어텐션 (타깃 → 소스)</translation>
    </message>
    <message>
        <source>encoder self-attention</source>
        <translation>인코더 셀프 어텐션</translation>
    </message>
    <message>
        <source>decoder self-attention (causal)</source>
        <translation>디코더 셀프 어텐션 (인과)</translation>
    </message>
    <message>
        <source>Which of the three attention stacks of an encoder-decoder is drawn</source>
        <translation>인코더-디코더의 세 어텐션 스택 중 무엇을 그릴지</translation>
    </message>
    <message>
        <source>Attention</source>
        <translation>어텐션</translation>
    </message>
    <message>
        <source>One layer, or the mean over every layer</source>
        <translation>한 레이어, 또는 모든 레이어의 평균</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>레이어</translation>
    </message>
    <message>
        <source>One head, or the mean over the layer's heads</source>
        <translation>한 헤드, 또는 레이어 헤드들의 평균</translation>
    </message>
    <message>
        <source>Head</source>
        <translation>헤드</translation>
    </message>
    <message>
        <source>The decoder's step: which source tokens each head reads while writing this target token (the Step view)</source>
        <translation>디코더 단계: 이 타깃 토큰을 쓰는 동안 각 헤드가 어떤 소스 토큰을 읽는지 (단계 보기)</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>단계</translation>
    </message>
    <message>
        <source>attention weight</source>
        <translation>어텐션 가중치</translation>
    </message>
    <message>
        <source>Links</source>
        <translation>연결선</translation>
    </message>
    <message>
        <source>Every head</source>
        <translation>모든 헤드</translation>
    </message>
    <message>
        <source>source token</source>
        <translation>소스 토큰</translation>
    </message>
    <message>
        <source>head</source>
        <translation>헤드</translation>
    </message>
    <message>
        <source>an encoder-decoder checkpoint folder (T5, BART)</source>
        <translation>인코더-디코더 체크포인트 폴더 (T5, BART)</translation>
    </message>
    <message>
        <source>the source text</source>
        <translation>소스 텍스트</translation>
    </message>
    <message>
        <source>a target to inspect (empty: the model writes it)</source>
        <translation>살펴볼 타깃 (비우면 모델이 씁니다)</translation>
    </message>
    <message>
        <source>beam search width (1: greedy)</source>
        <translation>빔 탐색 폭 (1: 탐욕적)</translation>
    </message>
    <message>
        <source>the most tokens generation writes</source>
        <translation>생성이 쓰는 최대 토큰 수</translation>
    </message>
    <message>
        <source>which attention: cross, encoder or decoder</source>
        <translation>어떤 어텐션: cross, encoder, decoder</translation>
    </message>
    <message>
        <source>a layer number, or mean (every layer)</source>
        <translation>레이어 번호, 또는 mean (모든 레이어)</translation>
    </message>
    <message>
        <source>a head number, or mean (every head)</source>
        <translation>헤드 번호, 또는 mean (모든 헤드)</translation>
    </message>
    <message>
        <source>the target token of the Step view (0 = the first)</source>
        <translation>단계 보기의 타깃 토큰 (0 = 첫 번째)</translation>
    </message>
    <message>
        <source>the view</source>
        <translation>보기</translation>
    </message>
    <message>
        <source>%1 is no text encoder-decoder: the alignment view reads T5 and BART checkpoints (the attention explorer reads encoders and decoders)</source>
        <translation>%1은(는) 텍스트 인코더-디코더가 아닙니다. 정렬 보기는 T5와 BART 체크포인트를 읽습니다 (인코더와 디코더는 어텐션 탐색기에서)</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Generating…</source>
        <translation>생성 중…</translation>
    </message>
    <message>
        <source>Running…</source>
        <translation>실행 중…</translation>
    </message>
    <message>
        <source>Alignment in %1</source>
        <translation>%1의 정렬</translation>
    </message>
    <message>
        <source>mean over layers</source>
        <translation>레이어 평균</translation>
    </message>
    <message>
        <source>layer %1</source>
        <translation>레이어 %1</translation>
    </message>
    <message>
        <source>mean over heads</source>
        <translation>헤드 평균</translation>
    </message>
    <message>
        <source>head %1</source>
        <translation>헤드 %1</translation>
    </message>
    <message numerus="yes">
        <source>%n hypothesis(es) for “%1”, best first</source>
        <translation>
            <numerusform>“%1”에 대한 가설 %n개, 좋은 순</numerusform></translation>
    </message>
    <message>
        <source>A typed target: no generation</source>
        <translation>입력한 타깃: 생성 없음</translation>
    </message>
    <message>
        <source>%1 · %2 source tokens → %3 target tokens: “%4”</source>
        <translation>%1 · 소스 토큰 %2개 → 타깃 토큰 %3개: “%4”</translation>
    </message>
    <message>
        <source>Open an encoder-decoder to see which source tokens each target token reads</source>
        <translation>인코더-디코더를 열면 타깃 토큰마다 어떤 소스 토큰을 읽는지 보입니다</translation>
    </message>
    <message>
        <source>target token written</source>
        <translation>쓰인 타깃 토큰</translation>
    </message>
    <message>
        <source>query (source)</source>
        <translation>쿼리 (소스)</translation>
    </message>
    <message>
        <source>key (source)</source>
        <translation>키 (소스)</translation>
    </message>
    <message>
        <source>query (decoder input)</source>
        <translation>쿼리 (디코더 입력)</translation>
    </message>
    <message>
        <source>key (decoder input)</source>
        <translation>키 (디코더 입력)</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1: every layer (rows) and head (columns), each scaled to its maximum</source>
        <translation>%1: 모든 레이어(행)와 헤드(열), 각각 최댓값에 맞춤</translation>
    </message>
    <message>
        <source>Step %1: writing “%2” (reading “%3”), %4</source>
        <translation>단계 %1: “%2” 쓰는 중 (“%3” 읽음), %4</translation>
    </message>
    <message>
        <source>--%1: "%2" is neither a number nor mean</source>
        <translation>--%1: "%2"은(는) 숫자도 mean도 아닙니다</translation>
    </message>
    <message>
        <source>--source: give a source text</source>
        <translation>--source: 소스 텍스트를 주세요</translation>
    </message>
    <message>
        <source>the alignment view needs a model: --model DIR (a T5 or BART checkpoint)</source>
        <translation>정렬 보기에는 모델이 필요합니다: --model DIR (T5 또는 BART 체크포인트)</translation>
    </message>
    <message>
        <source>probability of the whole target</source>
        <translation>타깃 전체의 확률</translation>
    </message>
    <message>
        <source>%1 (score %2)</source>
        <translation>%1 (점수 %2)</translation>
    </message>
</context>
<context>
    <name>tessera::app::ExportDialog</name>
    <message>
        <source>Export Data</source>
        <translation>데이터 내보내기</translation>
    </message>
    <message>
        <source>Export Figure</source>
        <translation>그림 내보내기</translation>
    </message>
    <message>
        <source>PNG only: the image has width × dpi / 96 pixels.</source>
        <translation>PNG 전용: 이미지 너비는 width × dpi / 96 픽셀입니다.</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>찾아보기…</translation>
    </message>
    <message>
        <source>File</source>
        <translation>파일</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>형식</translation>
    </message>
    <message>
        <source>Width</source>
        <translation>너비</translation>
    </message>
    <message>
        <source>Height</source>
        <translation>높이</translation>
    </message>
    <message>
        <source>PNG resolution</source>
        <translation>PNG 해상도</translation>
    </message>
    <message>
        <source>Figures (*.pdf *.svg *.png *.csv)</source>
        <translation>그림 (*.pdf *.svg *.png *.csv)</translation>
    </message>
    <message>
        <source>The folder %1 does not exist.</source>
        <translation>폴더 %1이(가) 없습니다.</translation>
    </message>
    <message>
        <source>%1 exists. Replace it?</source>
        <translation>%1이(가) 이미 있습니다. 바꿀까요?</translation>
    </message>
</context>
<context>
    <name>tessera::app::JobArea</name>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>Cancel the running job (Esc)</source>
        <translation>실행 중인 작업 취소 (Esc)</translation>
    </message>
    <message>
        <source>%1 (+%2 more)</source>
        <translation>%1 (외 %2개)</translation>
    </message>
</context>
<context>
    <name>tessera::app::LogDock</name>
    <message>
        <source>Log</source>
        <translation>로그</translation>
    </message>
</context>
<context>
    <name>tessera::app::MainWindow</name>
    <message>
        <source>&lt;h3&gt;No panels were loaded&lt;/h3&gt;&lt;p&gt;Tessera looked for plugins in:&lt;br&gt;%1&lt;/p&gt;&lt;p&gt;Set TESSERA_PLUGIN_PATH to the folder holding libtessera_*.so, or reinstall.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;불러온 패널이 없습니다&lt;/h3&gt;&lt;p&gt;Tessera가 플러그인을 찾은 곳:&lt;br&gt;%1&lt;/p&gt;&lt;p&gt;TESSERA_PLUGIN_PATH를 libtessera_*.so가 있는 폴더로 지정하거나 다시 설치하세요.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Welcome</source>
        <translation>시작</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>파일(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>열기(&amp;O)…</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>열기</translation>
    </message>
    <message>
        <source>Supported files (*.safetensors *.npy *.csv *.json);;All files (*)</source>
        <translation>지원하는 파일 (*.safetensors *.npy *.csv *.json);;모든 파일 (*)</translation>
    </message>
    <message>
        <source>Open &amp;Folder…</source>
        <translation>폴더 열기(&amp;F)…</translation>
    </message>
    <message>
        <source>Open a checkpoint folder</source>
        <translation>체크포인트 폴더 열기</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>최근 항목(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Export Figure…</source>
        <translation>그림 내보내기(&amp;E)…</translation>
    </message>
    <message>
        <source>Save the figure in view as PDF, SVG, PNG or CSV</source>
        <translation>보이는 그림을 PDF, SVG, PNG 또는 CSV로 저장</translation>
    </message>
    <message>
        <source>Export &amp;Data (CSV)…</source>
        <translation>데이터 내보내기(&amp;D) (CSV)…</translation>
    </message>
    <message>
        <source>&amp;Save Session…</source>
        <translation>세션 저장(&amp;S)…</translation>
    </message>
    <message>
        <source>Save Session</source>
        <translation>세션 저장</translation>
    </message>
    <message>
        <source>Tessera sessions (*.tessera)</source>
        <translation>Tessera 세션 (*.tessera)</translation>
    </message>
    <message>
        <source>Open Sess&amp;ion…</source>
        <translation>세션 열기(&amp;I)…</translation>
    </message>
    <message>
        <source>Open Session</source>
        <translation>세션 열기</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>끝내기(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>보기(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>테마(&amp;T)</translation>
    </message>
    <message>
        <source>Follow the &amp;system</source>
        <translation>시스템 설정 따르기(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Light</source>
        <translation>밝게(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation>어둡게(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Full Screen</source>
        <translation>전체 화면(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>도움말(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About Tessera</source>
        <translation>Tessera 정보(&amp;A)</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>Qt 정보(&amp;Q)</translation>
    </message>
    <message>
        <source>LibTorch %1 · %2 · %3 of %4 cores</source>
        <translation>LibTorch %1 · %2 · 코어 %4개 중 %3개</translation>
    </message>
    <message>
        <source>%1: no such file or folder</source>
        <translation>%1: 그런 파일이나 폴더가 없습니다</translation>
    </message>
    <message>
        <source>Opened %1</source>
        <translation>%1을(를) 열었습니다</translation>
    </message>
    <message>
        <source>%1: no panel can open this kind of file (the positional-encoding lab opens .csv, .npy and .safetensors tables)</source>
        <translation>%1: 이 종류의 파일을 여는 패널이 없습니다 (위치 인코딩 실험실은 .csv, .npy, .safetensors 표를 엽니다)</translation>
    </message>
    <message>
        <source>Tessera</source>
        <translation>Tessera</translation>
    </message>
    <message>
        <source>(none yet)</source>
        <translation>(아직 없음)</translation>
    </message>
    <message>
        <source>&amp;Clear</source>
        <translation>지우기(&amp;C)</translation>
    </message>
    <message>
        <source>There is no figure in view to export.</source>
        <translation>내보낼 그림이 화면에 없습니다.</translation>
    </message>
    <message>
        <source>Exported %1</source>
        <translation>%1(으)로 내보냈습니다</translation>
    </message>
    <message>
        <source>About Tessera</source>
        <translation>Tessera 정보</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Tessera %1&lt;/h3&gt;&lt;p&gt;A desktop studio for looking inside transformers.&lt;/p&gt;&lt;pre&gt;%2&lt;/pre&gt;</source>
        <translation>&lt;h3&gt;Tessera %1&lt;/h3&gt;&lt;p&gt;트랜스포머의 속을 들여다보는 데스크톱 스튜디오.&lt;/p&gt;&lt;pre&gt;%2&lt;/pre&gt;</translation>
    </message>
    <message>
        <source>not a Tessera session (%1)</source>
        <translation>Tessera 세션이 아닙니다 (%1)</translation>
    </message>
    <message>
        <source>session format %1 is not supported (this studio reads %2)</source>
        <translation>세션 형식 %1은(는) 지원하지 않습니다 (이 스튜디오는 %2을(를) 읽습니다)</translation>
    </message>
    <message>
        <source>no panel "%1" in this installation</source>
        <translation>이 설치에는 "%1" 패널이 없습니다</translation>
    </message>
    <message>
        <source>%1: cannot save the session (%2)</source>
        <translation>%1: 세션을 저장할 수 없습니다 (%2)</translation>
    </message>
    <message>
        <source>%1: cannot open (%2)</source>
        <translation>%1: 열 수 없습니다 (%2)</translation>
    </message>
    <message>
        <source>%1: %2 bytes is too large for a session file</source>
        <translation>%1: %2바이트는 세션 파일로 너무 큽니다</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>언어(&amp;L)</translation>
    </message>
    <message>
        <source>The language changes when Tessera starts again.</source>
        <translation>언어는 Tessera를 다시 시작하면 바뀝니다.</translation>
    </message>
</context>
<context>
    <name>tessera::attentionlens::AttentionPanel</name>
    <message>
        <source>Attention</source>
        <translation>어텐션</translation>
    </message>
    <message>
        <source>One head, every layer and head, active and lazy queries, two inputs compared</source>
        <translation>헤드 하나, 모든 레이어와 헤드, 활발한 쿼리와 게으른 쿼리, 두 입력 비교</translation>
    </message>
    <message>
        <source>Could not run: %1</source>
        <translation>실행할 수 없습니다: %1</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>입력</translation>
    </message>
    <message>
        <source>Text models opened in the studio (Models panel), or open a checkpoint folder here.</source>
        <translation>스튜디오에서 연 텍스트 모델(모델 패널), 또는 여기서 체크포인트 폴더를 여세요.</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>열기…</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>모델</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>문장</translation>
    </message>
    <message>
        <source>Use a second text</source>
        <translation>두 번째 문장 쓰기</translation>
    </message>
    <message>
        <source>to compare with</source>
        <translation>비교용</translation>
    </message>
    <message>
        <source>as sentence B of a pair</source>
        <translation>문장 쌍의 B로</translation>
    </message>
    <message>
        <source>a second checkpoint (folder)</source>
        <translation>두 번째 체크포인트 (폴더)</translation>
    </message>
    <message>
        <source>Compare two inputs side by side, or feed both as one pair ([CLS] A [SEP] B [SEP], segments drawn).</source>
        <translation>두 입력을 나란히 비교하거나, 둘을 한 쌍으로 넣습니다 ([CLS] A [SEP] B [SEP], 세그먼트 표시).</translation>
    </message>
    <message>
        <source>Second text</source>
        <translation>두 번째 문장</translation>
    </message>
    <message>
        <source>Second</source>
        <translation>두 번째</translation>
    </message>
    <message>
        <source>View</source>
        <translation>보기</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>레이어</translation>
    </message>
    <message>
        <source>One head, the mean or maximum over heads, or the rollout across layers (Abnar &amp; Zuidema).</source>
        <translation>헤드 하나, 헤드 평균이나 최댓값, 또는 레이어를 가로지르는 롤아웃 (Abnar &amp; Zuidema).</translation>
    </message>
    <message>
        <source>Head</source>
        <translation>헤드</translation>
    </message>
    <message>
        <source>How many of the most active queries (farthest from uniform) to mark ★</source>
        <translation>★로 표시할 가장 활발한 쿼리(균등 분포에서 가장 먼)의 개수</translation>
    </message>
    <message>
        <source>Active queries u</source>
        <translation>활발한 쿼리 u</translation>
    </message>
    <message>
        <source>Draw masked cells grey</source>
        <translation>가려진 칸을 회색으로</translation>
    </message>
    <message>
        <source>Cells a mask removes (the causal future, keys beyond a sliding window, padded keys) drawn grey instead of as 0</source>
        <translation>마스크가 지우는 칸(인과적 미래, 슬라이딩 윈도 밖의 키, 패딩 키)을 0 대신 회색으로 그립니다</translation>
    </message>
    <message>
        <source>no padding</source>
        <translation>패딩 없음</translation>
    </message>
    <message>
        <source>Pad the input with [PAD] to this many tokens, as a batch of longer sentences would (001:23-72): the attention mask keeps the padding out.</source>
        <translation>더 긴 문장과 한 배치에 넣을 때처럼 입력을 이 토큰 수까지 [PAD]로 채웁니다 (001:23-72): 어텐션 마스크가 패딩을 막습니다.</translation>
    </message>
    <message>
        <source>Pad to</source>
        <translation>패딩 길이</translation>
    </message>
    <message>
        <source>Apply the masks</source>
        <translation>마스크 적용</translation>
    </message>
    <message>
        <source>Untick to compute attention with no padding or causal mask and see what they prevent</source>
        <translation>체크를 풀면 패딩·인과 마스크 없이 어텐션을 계산해 마스크가 무엇을 막는지 봅니다</translation>
    </message>
    <message>
        <source>key</source>
        <translation>키</translation>
    </message>
    <message>
        <source>query</source>
        <translation>쿼리</translation>
    </message>
    <message>
        <source>weight</source>
        <translation>가중치</translation>
    </message>
    <message>
        <source>Token links</source>
        <translation>토큰 연결</translation>
    </message>
    <message>
        <source>Model view</source>
        <translation>모델 보기</translation>
    </message>
    <message>
        <source>One head step by step</source>
        <translation>헤드 하나를 한 단계씩</translation>
    </message>
    <message>
        <source>Q = X W_Q</source>
        <translation>Q = X W_Q</translation>
    </message>
    <message>
        <source>K = X W_K</source>
        <translation>K = X W_K</translation>
    </message>
    <message>
        <source>V = X W_V</source>
        <translation>V = X W_V</translation>
    </message>
    <message>
        <source>Q Kᵀ</source>
        <translation>Q Kᵀ</translation>
    </message>
    <message>
        <source>Q Kᵀ / ↭ₖ (+ mask)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>softmax</source>
        <translation>softmax</translation>
    </message>
    <message>
        <source>softmax · V</source>
        <translation>softmax · V</translation>
    </message>
    <message>
        <source>dₖ</source>
        <translation>dₖ</translation>
    </message>
    <message>
        <source>token</source>
        <translation>토큰</translation>
    </message>
    <message>
        <source>Step through</source>
        <translation>단계별 보기</translation>
    </message>
    <message>
        <source>KL(uniform ‖ attention), nats</source>
        <translation>KL(균등 ‖ 어텐션), nats</translation>
    </message>
    <message>
        <source>Active / lazy queries</source>
        <translation>활발한 / 게으른 쿼리</translation>
    </message>
    <message>
        <source>head</source>
        <translation>헤드</translation>
    </message>
    <message>
        <source>layer</source>
        <translation>레이어</translation>
    </message>
    <message>
        <source>mean entropy (nats)</source>
        <translation>평균 엔트로피 (nats)</translation>
    </message>
    <message>
        <source>Entropy</source>
        <translation>엔트로피</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>비교</translation>
    </message>
    <message>
        <source>probability</source>
        <translation>확률</translation>
    </message>
    <message>
        <source>Predictions</source>
        <translation>예측</translation>
    </message>
    <message>
        <source>Open a BERT or GPT-2 checkpoint in the Models panel (or with Open… here), then type a text.</source>
        <translation>모델 패널에서 (또는 여기의 열기…로) BERT나 GPT-2 체크포인트를 연 다음 문장을 쓰세요.</translation>
    </message>
    <message>
        <source>Open a text model</source>
        <translation>텍스트 모델 열기</translation>
    </message>
    <message>
        <source>A checkpoint folder with the same architecture (type or pick one opened in the studio)</source>
        <translation>같은 구조의 체크포인트 폴더 (입력하거나 스튜디오에서 연 것 중 고르기)</translation>
    </message>
    <message>
        <source>Choose one head (not an aggregate) to step through</source>
        <translation>단계별로 볼 헤드 하나를 고르세요 (평균·최댓값 말고)</translation>
    </message>
    <message>
        <source>Step through layer %1, head %2</source>
        <translation>레이어 %1, 헤드 %2 단계별 보기</translation>
    </message>
    <message>
        <source>Layer %1, head %2 step by step (dₖ = %3)</source>
        <translation>레이어 %1, 헤드 %2 한 단계씩 (dₖ = %3)</translation>
    </message>
    <message>
        <source>Step-through failed: %1</source>
        <translation>단계별 계산 실패: %1</translation>
    </message>
    <message>
        <source>checkpoint folder of a BERT or GPT-2 model</source>
        <translation>BERT나 GPT-2 모델의 체크포인트 폴더</translation>
    </message>
    <message>
        <source>the input text</source>
        <translation>입력 문장</translation>
    </message>
    <message>
        <source>a second text to compare with (empty: none)</source>
        <translation>비교할 두 번째 문장 (비우면 없음)</translation>
    </message>
    <message>
        <source>sentence B: the text and this one as one pair, segments A/B</source>
        <translation>문장 B: 입력 문장과 이 문장을 한 쌍으로, 세그먼트 A/B</translation>
    </message>
    <message>
        <source>a second checkpoint folder: the same text through both, compared</source>
        <translation>두 번째 체크포인트 폴더: 같은 문장을 둘 다에 넣어 비교</translation>
    </message>
    <message>
        <source>layer shown (0-based)</source>
        <translation>보여 줄 레이어 (0부터)</translation>
    </message>
    <message>
        <source>head shown: a number, mean, max or rollout</source>
        <translation>보여 줄 헤드: 번호, mean, max 또는 rollout</translation>
    </message>
    <message>
        <source>active queries marked (1-64)</source>
        <translation>표시할 활발한 쿼리 수 (1-64)</translation>
    </message>
    <message>
        <source>pad the input with [PAD] to this many tokens (0: none)</source>
        <translation>입력을 이 토큰 수까지 [PAD]로 채우기 (0: 없음)</translation>
    </message>
    <message>
        <source>apply the padding and causal masks (true/false)</source>
        <translation>패딩·인과 마스크 적용 (true/false)</translation>
    </message>
    <message>
        <source>the figure shown and exported (also: heatmap = head, grid = model, rollout = head with --head rollout; --text-pair = --pair)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>--layer: "%1" is not a layer number</source>
        <translation>--layer: "%1"은(는) 레이어 번호가 아닙니다</translation>
    </message>
    <message>
        <source>--head: "%1" is not a head number, mean, max or rollout</source>
        <translation>--head: "%1"은(는) 헤드 번호, mean, max, rollout 중 어느 것도 아닙니다</translation>
    </message>
    <message>
        <source>--masks: "%1" is not true or false</source>
        <translation>--masks: "%1"은(는) true나 false가 아닙니다</translation>
    </message>
    <message>
        <source>%1: no config.json: not a checkpoint folder</source>
        <translation>%1: config.json이 없습니다. 체크포인트 폴더가 아닙니다</translation>
    </message>
    <message>
        <source>--layer: %1 does not exist (the model has %2 layers)</source>
        <translation>--layer: %1은(는) 없습니다 (모델의 레이어는 %2개)</translation>
    </message>
    <message>
        <source>--head: %1 does not exist (the model has %2 heads)</source>
        <translation>--head: %1은(는) 없습니다 (모델의 헤드는 %2개)</translation>
    </message>
    <message>
        <source>Running…</source>
        <translation>실행 중…</translation>
    </message>
    <message>
        <source>Attention of %1</source>
        <translation>%1의 어텐션</translation>
    </message>
    <message>
        <source>head %1 (key/value head %2)</source>
        <translation>헤드 %1 (키/값 헤드 %2)</translation>
    </message>
    <message>
        <source>head %1</source>
        <translation>헤드 %1</translation>
    </message>
    <message>
        <source>mean over heads</source>
        <translation>헤드 평균</translation>
    </message>
    <message>
        <source>max over heads</source>
        <translation>헤드 최댓값</translation>
    </message>
    <message>
        <source>rollout (all layers)</source>
        <translation>롤아웃 (모든 레이어)</translation>
    </message>
    <message>
        <source>Every layer and head, %1 tokens (each scaled to its maximum)</source>
        <translation>모든 레이어와 헤드, 토큰 %1개 (각자 최댓값에 맞춤)</translation>
    </message>
    <message>
        <source>Mean attention entropy per head (uniform over %1 tokens = %2 nats)</source>
        <translation>헤드별 평균 어텐션 엔트로피 (토큰 %1개에 균등하면 %2 nats)</translation>
    </message>
    <message>
        <source>This checkpoint has no prediction head</source>
        <translation>이 체크포인트에는 예측 헤드가 없습니다</translation>
    </message>
    <message>
        <source>Fill-mask at token %1</source>
        <translation>토큰 %1의 빈칸 채우기</translation>
    </message>
    <message>
        <source>Next token after “%1”</source>
        <translation>“%1” 다음 토큰</translation>
    </message>
    <message>
        <source>%1 · %2 tokens · %3 layers × %4 heads</source>
        <translation>%1 · 토큰 %2개 · 레이어 %3개 × 헤드 %4개</translation>
    </message>
    <message>
        <source> over %1 key/value heads</source>
        <translation> (키/값 헤드 %1개)</translation>
    </message>
    <message>
        <source> · sliding window of %1 keys</source>
        <translation> · 키 %1개의 슬라이딩 윈도</translation>
    </message>
    <message>
        <source>Attention rollout over %1 layers</source>
        <translation>레이어 %1개에 걸친 어텐션 롤아웃</translation>
    </message>
    <message>
        <source>Layer %1, %2 (sliding window of %3 keys)</source>
        <translation>레이어 %1, %2 (키 %3개의 슬라이딩 윈도)</translation>
    </message>
    <message>
        <source>Layer %1, %2</source>
        <translation>레이어 %1, %2</translation>
    </message>
    <message>
        <source>Rollout links</source>
        <translation>롤아웃 연결</translation>
    </message>
    <message>
        <source>Layer %1: every head overlaid</source>
        <translation>레이어 %1: 모든 헤드 겹쳐 그리기</translation>
    </message>
    <message>
        <source>Layer %1: %2</source>
        <translation>레이어 %1: %2</translation>
    </message>
    <message>
        <source>Distance from uniform per query, %1 (★ = top %2 active)</source>
        <translation>쿼리별 균등 분포와의 거리, %1 (★ = 가장 활발한 %2개)</translation>
    </message>
    <message>
        <source>Tick ǌompare with a second text” to see the difference</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Difference (first − second checkpoint), %1</source>
        <translation>차이 (첫째 − 둘째 체크포인트), %1</translation>
    </message>
    <message>
        <source>Difference (first − second text), %1</source>
        <translation>차이 (첫째 − 둘째 문장), %1</translation>
    </message>
    <message>
        <source>Δ weight</source>
        <translation>Δ 가중치</translation>
    </message>
    <message>
        <source>Mean entropy change per head (first − second; %1 vs %2 tokens)</source>
        <translation>헤드별 평균 엔트로피 변화 (첫째 − 둘째, 토큰 %1개 대 %2개)</translation>
    </message>
    <message>
        <source>Δ entropy (nats)</source>
        <translation>Δ 엔트로피 (nats)</translation>
    </message>
    <message>
        <source>Write %1 in the text to see what the model fills in</source>
        <translation>문장에 %1을(를) 쓰면 모델이 무엇을 채우는지 봅니다</translation>
    </message>
</context>
<context>
    <name>tessera::detrlens</name>
    <message>
        <source>class %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>query %1 · %2 %3</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>DETR detections above %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 of %2 object queries above the threshold%3; no NMS: each query predicts one box or no-object</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>, %1 classes hidden</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>layer %1 · mean</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>layer %1 · head %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>cross-attention</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Object query %1: %2 %3, no-object %4, box (%5, %6)–(%7, %8) · cross-attention per decoder layer and head</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>no object</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Class distribution of every object query (softmax, no-object last)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>mean of the heads</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>head %1</source>
        <translation type="unfinished">헤드 %1</translation>
    </message>
    <message>
        <source>self-attention</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Encoder layer %1: where the feature at row %2, column %3 (outlined) attends · grid %4 × %5 (stride 32)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 · ch %2 %3</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>value</source>
        <translation type="unfinished">값</translation>
    </message>
    <message>
        <source>2-D sine position encoding on the %1 × %2 feature grid: %3 of %4 channels (first half y, second half x; frequency falls with the channel)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>GT %1 %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>ground truth %1: %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Hungarian matching</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Draw ground-truth boxes (Draw boxes, then drag) or load a COCO JSON: each is matched to exactly one query; every other query should say no-object.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>q%1 %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>query %1 matched to ground truth %2 (cost %3)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Hungarian matching: %1 ground-truth boxes, %2 queries</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Matched losses: classification %1 (no-object weight 0.1) · L1 %2 · GIoU %3 · total %4 = %5 × class + %6 × L1 + %7 × GIoU</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Total cost (the assignment has the least sum)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Class part −p(class), weight %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>L1 part of (cx, cy, w, h), weight %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>GIoU part −GIoU, weight %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>cost</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>unweighted</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Matching cost: %1 queries × %2 targets; the assignment minimises the total</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>tessera::detrlens::DetrPanel</name>
    <message>
        <source>DETR lens</source>
        <translation>DETR 렌즈</translation>
    </message>
    <message>
        <source>DETR on real images: detections, object queries and their cross-attention, encoder attention, the sine position encoding and Hungarian matching</source>
        <translation>실제 이미지 위의 DETR: 검출, 객체 쿼리와 크로스 어텐션, 인코더 어텐션, 사인 위치 인코딩, 헝가리안 매칭</translation>
    </message>
    <message>
        <source>No model. Open a DetrForObjectDetection folder (config.json and model.safetensors).</source>
        <translation>모델이 없습니다. DetrForObjectDetection 폴더(config.json과 model.safetensors)를 여세요.</translation>
    </message>
    <message>
        <source>A Hugging Face DETR checkpoint folder (for example facebook/detr-resnet-50 saved as safetensors); nothing is downloaded</source>
        <translation>Hugging Face DETR 체크포인트 폴더 (예: safetensors로 저장한 facebook/detr-resnet-50). 아무것도 내려받지 않습니다</translation>
    </message>
    <message>
        <source>Open a DETR checkpoint</source>
        <translation>DETR 체크포인트 열기</translation>
    </message>
    <message>
        <source>Scrub the training run's snapshots: every view, the matching included, shows the model as it was at that step (Left / Right, Page Up / Page Down)</source>
        <translation>학습의 스냅숏을 훑어봅니다: 매칭을 포함한 모든 보기가 그 스텝의 모델을 보여 줍니다 (왼쪽 / 오른쪽, Page Up / Page Down)</translation>
    </message>
    <message>
        <source>Detections</source>
        <translation>검출</translation>
    </message>
    <message>
        <source>Show detections whose best class (no-object excluded) scores above this</source>
        <translation>가장 높은 클래스 점수(no-object 제외)가 이 값을 넘는 검출만 보여 줍니다</translation>
    </message>
    <message>
        <source>Threshold</source>
        <translation>임계값</translation>
    </message>
    <message>
        <source>Untick a class to hide its boxes</source>
        <translation>클래스의 체크를 풀면 그 상자를 숨깁니다</translation>
    </message>
    <message>
        <source>Queries and attention</source>
        <translation>쿼리와 어텐션</translation>
    </message>
    <message>
        <source>The object query shown in the queries view (a click on a box selects its query)</source>
        <translation>쿼리 보기에 보여 줄 객체 쿼리 (상자를 클릭하면 그 쿼리를 고릅니다)</translation>
    </message>
    <message>
        <source>Query</source>
        <translation>쿼리</translation>
    </message>
    <message>
        <source>Encoder layer of the encoder view (0 = first); click the image there to pick the reference point</source>
        <translation>인코더 보기의 인코더 레이어 (0 = 첫째). 그 이미지를 클릭해 기준점을 고릅니다</translation>
    </message>
    <message>
        <source>Encoder layer</source>
        <translation>인코더 레이어</translation>
    </message>
    <message>
        <source>Head of the encoder view, or all heads</source>
        <translation>인코더 보기의 헤드, 또는 모든 헤드</translation>
    </message>
    <message>
        <source>Encoder heads</source>
        <translation>인코더 헤드</translation>
    </message>
    <message>
        <source>Ground truth and matching</source>
        <translation>정답과 매칭</translation>
    </message>
    <message>
        <source>No ground truth. Draw boxes on the matching view or load a COCO JSON.</source>
        <translation>정답이 없습니다. 매칭 보기에 상자를 그리거나 COCO JSON을 불러오세요.</translation>
    </message>
    <message>
        <source>The class of the boxes you draw</source>
        <translation>그릴 상자의 클래스</translation>
    </message>
    <message>
        <source>Draw boxes</source>
        <translation>상자 그리기</translation>
    </message>
    <message>
        <source>Drag on the matching view to add a ground-truth box of the chosen class (D)</source>
        <translation>매칭 보기에서 끌면 고른 클래스의 정답 상자를 더합니다 (D)</translation>
    </message>
    <message>
        <source>COCO JSON…</source>
        <translation>COCO JSON…</translation>
    </message>
    <message>
        <source>Ground truth from a COCO-style annotation file (the entry whose file_name is this image's)</source>
        <translation>COCO 형식 주석 파일의 정답 (file_name이 이 이미지인 항목)</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>지우기</translation>
    </message>
    <message>
        <source>Remove every ground-truth box</source>
        <translation>정답 상자를 모두 지웁니다</translation>
    </message>
    <message>
        <source>Open COCO annotations</source>
        <translation>COCO 주석 열기</translation>
    </message>
    <message>
        <source>COCO JSON (*.json)</source>
        <translation>COCO JSON (*.json)</translation>
    </message>
    <message>
        <source>Boxes</source>
        <translation>상자</translation>
    </message>
    <message>
        <source>Open a DETR checkpoint and an image to see its detections.</source>
        <translation>DETR 체크포인트와 이미지를 열면 검출을 봅니다.</translation>
    </message>
    <message>
        <source>Queries</source>
        <translation>쿼리</translation>
    </message>
    <message>
        <source>Each object query's cross-attention over the image appears here, for every decoder layer and head.</source>
        <translation>객체 쿼리마다 이미지 위 크로스 어텐션이 디코더 레이어와 헤드별로 여기 나타납니다.</translation>
    </message>
    <message>
        <source>Classes</source>
        <translation>클래스</translation>
    </message>
    <message>
        <source>class</source>
        <translation>클래스</translation>
    </message>
    <message>
        <source>object query</source>
        <translation>객체 쿼리</translation>
    </message>
    <message>
        <source>probability</source>
        <translation>확률</translation>
    </message>
    <message>
        <source>Encoder</source>
        <translation>인코더</translation>
    </message>
    <message>
        <source>Encoder self-attention of a reference point appears here; click a cell to move it.</source>
        <translation>기준점의 인코더 셀프 어텐션이 여기 나타납니다. 칸을 클릭하면 옮깁니다.</translation>
    </message>
    <message>
        <source>Position</source>
        <translation>위치</translation>
    </message>
    <message>
        <source>Open a DETR checkpoint to see its 2-D sine position encoding.</source>
        <translation>DETR 체크포인트를 열면 2차원 사인 위치 인코딩을 봅니다.</translation>
    </message>
    <message>
        <source>Matching</source>
        <translation>매칭</translation>
    </message>
    <message>
        <source>Ground truth and its Hungarian matching appear here.</source>
        <translation>정답과 헝가리안 매칭이 여기 나타납니다.</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>비용</translation>
    </message>
    <message>
        <source>Matching cost</source>
        <translation>매칭 비용</translation>
    </message>
    <message>
        <source>target</source>
        <translation>정답</translation>
    </message>
    <message>
        <source>query</source>
        <translation>쿼리</translation>
    </message>
    <message>
        <source>a DETR checkpoint folder (DetrForObjectDetection)</source>
        <translation>DETR 체크포인트 폴더 (DetrForObjectDetection)</translation>
    </message>
    <message>
        <source>an image file (PNG, JPEG, BMP, TIFF, WebP)</source>
        <translation>이미지 파일 (PNG, JPEG, BMP, TIFF, WebP)</translation>
    </message>
    <message>
        <source>a snapshot step of a detr-shapes training run, or last</source>
        <translation>detr-shapes 학습 스냅숏의 스텝, 또는 last</translation>
    </message>
    <message>
        <source>detection score threshold</source>
        <translation>검출 점수 임계값</translation>
    </message>
    <message>
        <source>classes to hide, comma-separated names</source>
        <translation>숨길 클래스, 쉼표로 나눈 이름</translation>
    </message>
    <message>
        <source>the object query of the queries view</source>
        <translation>쿼리 보기의 객체 쿼리</translation>
    </message>
    <message>
        <source>encoder layer of the encoder view</source>
        <translation>인코더 보기의 인코더 레이어</translation>
    </message>
    <message>
        <source>encoder head, or all</source>
        <translation>인코더 헤드, 또는 all</translation>
    </message>
    <message>
        <source>reference point of the encoder view as ROW,COLUMN of the feature grid</source>
        <translation>인코더 보기의 기준점, 특징 격자의 행,열</translation>
    </message>
    <message>
        <source>ground truth: a COCO JSON file, or boxes LABEL:X0,Y0,X1,Y1;... in pixels</source>
        <translation>정답: COCO JSON 파일, 또는 픽셀 단위 상자 LABEL:X0,Y0,X1,Y1;...</translation>
    </message>
    <message>
        <source>the view</source>
        <translation>보기</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>%1 불러오는 중…</translation>
    </message>
    <message>
        <source>Loading %1</source>
        <translation>%1 불러오는 중</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; · %2 backbone · d %3 · %4 + %5 layers × %6 heads · %7 queries · %8 classes · %9 M parameters</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; · 백본 %2 · d %3 · 레이어 %4 + %5개 × 헤드 %6개 · 쿼리 %7개 · 클래스 %8개 · 파라미터 %9 M</translation>
    </message>
    <message>
        <source>all heads</source>
        <translation>모든 헤드</translation>
    </message>
    <message>
        <source>head %1</source>
        <translation>헤드 %1</translation>
    </message>
    <message>
        <source>Loaded %1.</source>
        <translation>%1을(를) 불러왔습니다.</translation>
    </message>
    <message>
        <source>the open model is not a detr-shapes training run with snapshots</source>
        <translation>열린 모델은 스냅숏이 있는 detr-shapes 학습 결과가 아닙니다</translation>
    </message>
    <message>
        <source>Snapshot at step %1</source>
        <translation>스텝 %1의 스냅숏</translation>
    </message>
    <message>
        <source> · held-out AP50 %1</source>
        <translation> · 검증 AP50 %1</translation>
    </message>
    <message>
        <source>%1 · %2 × %3</source>
        <translation>%1 · %2 × %3</translation>
    </message>
    <message>
        <source>Running DETR…</source>
        <translation>DETR 실행 중…</translation>
    </message>
    <message>
        <source>DETR on the image</source>
        <translation>이미지 위의 DETR</translation>
    </message>
    <message>
        <source>%1 of %2 queries above the threshold; feature grid %3 × %4.</source>
        <translation>쿼리 %2개 중 %1개가 임계값을 넘습니다. 특징 격자 %3 × %4.</translation>
    </message>
    <message>
        <source>drawn</source>
        <translation>그린 것</translation>
    </message>
    <message>
        <source>ground truth needs a model and an image first</source>
        <translation>정답을 넣으려면 먼저 모델과 이미지가 필요합니다</translation>
    </message>
    <message>
        <source>Open an image (or paste one) to run DETR on it.</source>
        <translation>이미지를 열면 (또는 붙여넣으면) DETR을 돌립니다.</translation>
    </message>
    <message>
        <source>%1 ground-truth boxes (%2).</source>
        <translation>정답 상자 %1개 (%2).</translation>
    </message>
    <message>
        <source>--head: "%1" is not all or a head number</source>
        <translation>--head: "%1"은(는) all도 헤드 번호도 아닙니다</translation>
    </message>
    <message>
        <source>--point: "%1" is not ROW,COLUMN</source>
        <translation>--point: "%1"은(는) 행,열이 아닙니다</translation>
    </message>
    <message>
        <source>--snapshot needs a detr-shapes training run (its snapshots keep the weights)</source>
        <translation>--snapshot에는 detr-shapes 학습 결과가 필요합니다 (스냅숏이 가중치를 지님)</translation>
    </message>
    <message>
        <source>--snapshot: no snapshot at step "%1" (steps %2 to %3)</source>
        <translation>--snapshot: 스텝 "%1"의 스냅숏이 없습니다 (스텝 %2부터 %3까지)</translation>
    </message>
    <message>
        <source>--targets: "%1" is not LABEL:X0,Y0,X1,Y1 with a class of this model (0 to %2) and a box of positive size</source>
        <translation>--targets: "%1"은(는) 이 모델의 클래스(0부터 %2까지)와 크기가 양수인 상자로 된 LABEL:X0,Y0,X1,Y1이 아닙니다</translation>
    </message>
    <message>
        <source>--targets needs an image (--image FILE)</source>
        <translation>--targets에는 이미지가 필요합니다 (--image FILE)</translation>
    </message>
    <message>
        <source>--hide: "%1" is not a class of this model</source>
        <translation>--hide: "%1"은(는) 이 모델의 클래스가 아닙니다</translation>
    </message>
    <message>
        <source>--query: "%1" is not a query of this model (0 to %2)</source>
        <translation>--query: "%1"은(는) 이 모델의 쿼리가 아닙니다 (0부터 %2까지)</translation>
    </message>
    <message>
        <source>--encoder-layer: "%1" is not a layer of this model (0 to %2)</source>
        <translation>--encoder-layer: "%1"은(는) 이 모델의 레이어가 아닙니다 (0부터 %2까지)</translation>
    </message>
    <message>
        <source>--head: "%1" is not all or a head of this model (0 to %2)</source>
        <translation>--head: "%1"은(는) all도 이 모델의 헤드도 아닙니다 (0부터 %2까지)</translation>
    </message>
    <message>
        <source>--point: %1,%2 is outside the %3 × %4 feature grid</source>
        <translation>--point: %1,%2은(는) %3 × %4 특징 격자 밖입니다</translation>
    </message>
    <message>
        <source>--query, --encoder-layer and --targets need a model (--model DIR)</source>
        <translation>--query, --encoder-layer, --targets에는 모델이 필요합니다 (--model DIR)</translation>
    </message>
    <message>
        <source>the DETR lens needs a model: --model DIR (a DetrForObjectDetection checkpoint)</source>
        <translation>DETR 렌즈에는 모델이 필요합니다: --model DIR (DetrForObjectDetection 체크포인트)</translation>
    </message>
    <message>
        <source>the %1 view needs an image: --image FILE</source>
        <translation>%1 보기에는 이미지가 필요합니다: --image FILE</translation>
    </message>
    <message>
        <source>the %1 view needs ground truth: --targets COCO.json or --targets LABEL:X0,Y0,X1,Y1;...</source>
        <translation>%1 보기에는 정답이 필요합니다: --targets COCO.json 또는 --targets LABEL:X0,Y0,X1,Y1;...</translation>
    </message>
</context>
<context>
    <name>tessera::diffusionlab</name>
    <message>
        <source>x_t, t = %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>predicted x₀</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>predicted noise</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1, %2 steps, seed %3: x_t entering each step, the predicted x₀ and noise (noise shown over ଓ)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>step %1 of %2 · t = %3</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>x_t (t = %1)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>predicted noise εθ(x_t, t)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>x_{t-1}, t-1 = %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>x₀, the sample</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 step %2 of %3 at t = %4: x_t → noise → x₀ estimate → x_{t-1}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>seed %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 seeds, %2, %3 steps</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source> (this model)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 steps of %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>β_t</source>
        <translation type="unfinished">β_t</translation>
    </message>
    <message>
        <source>ᾱ_t, signal kept</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>signal-to-noise ratio</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Noise schedule: %1 (%2 training steps), beside the other beta schedules</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>t = %1 · √ᾱ = %2 · √(1−ᾱ) = %3</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>x₀: the last sample</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>x₀: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>ε ~ N(0, I)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>x_t = √ᾱ x₀ + √(1−ᾱ) ε</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>q(x_t | x₀) at t = %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>N(0, 1)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>x₀</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>x_t</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>values of x₀ and x_t</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Forward noising at t = %1: ᾱ_t = %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 t = %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>DDPM</source>
        <translation type="unfinished">DDPM</translation>
    </message>
    <message>
        <source>DDIM</source>
        <translation type="unfinished">DDIM</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished">%1: %2</translation>
    </message>
    <message>
        <source>%1 steps, seed %2: DDPM (top) %3, DDIM eta 0 (bottom) %4; the same x_T</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>data (%1)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>x₀, the samples</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>paths from x_T</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1, %2 steps, seed %3: %4 particles after step %5 (t = %6 → %7)</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>tessera::diffusionlab::DiffusionPanel</name>
    <message>
        <source>Diffusion lab</source>
        <translation>디퓨전 실험실</translation>
    </message>
    <message>
        <source>DDPM and DDIM denoising step by step on a diffusers UNet: filmstrip, seeds, schedules, forward noising, the two samplers side by side</source>
        <translation>diffusers UNet의 DDPM·DDIM 잡음 제거를 한 단계씩: 필름띠, 시드, 스케줄, 순방향 잡음, 두 샘플러 나란히</translation>
    </message>
    <message>
        <source>No model. Open a diffusers UNet2DModel folder (config.json, diffusion_pytorch_model.safetensors, scheduler/).</source>
        <translation>모델이 없습니다. diffusers UNet2DModel 폴더(config.json, diffusion_pytorch_model.safetensors, scheduler/)를 여세요.</translation>
    </message>
    <message>
        <source>A diffusers UNet2DModel folder, e.g. one shaped like google/ddpm-cifar10-32</source>
        <translation>diffusers UNet2DModel 폴더, 예: google/ddpm-cifar10-32 같은 모양</translation>
    </message>
    <message>
        <source>Open a diffusers UNet</source>
        <translation>diffusers UNet 열기</translation>
    </message>
    <message>
        <source>Save the trajectory</source>
        <translation>궤적 저장</translation>
    </message>
    <message>
        <source>Trajectory (*.safetensors);;NumPy frames (*.npy);;Video (*.mp4)</source>
        <translation>궤적 (*.safetensors);;NumPy 프레임 (*.npy);;동영상 (*.mp4)</translation>
    </message>
    <message>
        <source>An image to noise</source>
        <translation>잡음을 더할 이미지</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp)</source>
        <translation>이미지 (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp)</translation>
    </message>
    <message>
        <source>Sampling</source>
        <translation>샘플링</translation>
    </message>
    <message>
        <source>DDIM</source>
        <translation>DDIM</translation>
    </message>
    <message>
        <source>DDPM</source>
        <translation>DDPM</translation>
    </message>
    <message>
        <source>DDPM: the ancestral sampler, noise added at every step; DDIM: deterministic for eta 0, good with far fewer steps. The betas are the model's (scheduler/scheduler_config.json)</source>
        <translation>DDPM: 조상 샘플러, 스텝마다 잡음을 더합니다. DDIM: eta 0이면 결정적이고 훨씬 적은 스텝으로도 좋습니다. 베타는 모델의 것입니다 (scheduler/scheduler_config.json)</translation>
    </message>
    <message>
        <source>S&amp;cheduler</source>
        <translation>스케줄러(&amp;C)</translation>
    </message>
    <message>
        <source>Denoising steps (timesteps spaced as the scheduler config says)</source>
        <translation>잡음 제거 스텝 (스케줄러 설정대로 간격을 둔 타임스텝)</translation>
    </message>
    <message>
        <source>S&amp;teps</source>
        <translation>스텝(&amp;T)</translation>
    </message>
    <message>
        <source>Drag to change the step count; on release the view in front samples again (DDPM vs DDIM compares both)</source>
        <translation>끌어서 스텝 수를 바꿉니다. 놓으면 앞의 보기가 다시 샘플링합니다 (DDPM vs DDIM은 둘 다 비교)</translation>
    </message>
    <message>
        <source>DDIM's eta: 0 deterministic, 1 as much noise as DDPM</source>
        <translation>DDIM의 eta: 0은 결정적, 1은 DDPM만큼 잡음</translation>
    </message>
    <message>
        <source>&amp;Eta</source>
        <translation>Eta(&amp;E)</translation>
    </message>
    <message>
        <source>Seed of x_T and of every noise draw</source>
        <translation>x_T와 모든 잡음 추출의 시드</translation>
    </message>
    <message>
        <source>See&amp;d</source>
        <translation>시드(&amp;D)</translation>
    </message>
    <message>
        <source>Particles sampled at once by a 2-D toy denoiser</source>
        <translation>2차원 장난감 잡음 제거기가 한 번에 샘플링하는 입자 수</translation>
    </message>
    <message>
        <source>&amp;Particles</source>
        <translation>입자(&amp;P)</translation>
    </message>
    <message>
        <source>How many particles' paths from x_T the Particles view draws</source>
        <translation>입자 보기가 x_T부터 경로를 그릴 입자 수</translation>
    </message>
    <message>
        <source>T&amp;rails</source>
        <translation>자취(&amp;R)</translation>
    </message>
    <message>
        <source>Sample</source>
        <translation>샘플링</translation>
    </message>
    <message>
        <source>Denoise from x_T (Ctrl+Return)</source>
        <translation>x_T부터 잡음 제거 (Ctrl+Return)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>The step shown in the Step view (Left / Right)</source>
        <translation>스텝 보기에 보여 줄 스텝 (왼쪽 / 오른쪽)</translation>
    </message>
    <message>
        <source>Save trajectory…</source>
        <translation>궤적 저장…</translation>
    </message>
    <message>
        <source>safetensors (timesteps, x_T, step{i}.eps / pred_x0 / x_prev), .npy (the x_t frames) or .mp4 (a video)</source>
        <translation>safetensors (timesteps, x_T, step{i}.eps / pred_x0 / x_prev), .npy (x_t 프레임) 또는 .mp4 (동영상)</translation>
    </message>
    <message>
        <source>Seeds and forward noising</source>
        <translation>시드와 순방향 잡음</translation>
    </message>
    <message>
        <source>How many seeds the Seeds view samples (from the seed above on)</source>
        <translation>시드 보기가 샘플링할 시드 수 (위의 시드부터)</translation>
    </message>
    <message>
        <source>Sample seeds</source>
        <translation>시드별 샘플링</translation>
    </message>
    <message>
        <source>Seeds</source>
        <translation>시드</translation>
    </message>
    <message>
        <source>t of the forward process q(x_t | x_0)</source>
        <translation>순방향 과정 q(x_t | x_0)의 t</translation>
    </message>
    <message>
        <source>Forward t</source>
        <translation>순방향 t</translation>
    </message>
    <message>
        <source>x₀ from an image…</source>
        <translation>이미지에서 x₀…</translation>
    </message>
    <message>
        <source>Noise an image of yours instead of the current sample</source>
        <translation>지금 샘플 대신 내 이미지에 잡음을 더합니다</translation>
    </message>
    <message>
        <source>Compare DDPM and DDIM</source>
        <translation>DDPM과 DDIM 비교</translation>
    </message>
    <message>
        <source>Both samplers with the step count and seed above, timed</source>
        <translation>위의 스텝 수와 시드로 두 샘플러를 돌리고 시간을 잽니다</translation>
    </message>
    <message>
        <source>Open a diffusers UNet2DModel folder (File ▸ Open Folder, or drop it here)</source>
        <translation>diffusers UNet2DModel 폴더를 여세요 (파일 ▸ 폴더 열기, 또는 여기에 끌어다 놓기)</translation>
    </message>
    <message>
        <source>Filmstrip</source>
        <translation>필름띠</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>스텝</translation>
    </message>
    <message>
        <source>Sample seeds to see several samples side by side</source>
        <translation>시드별로 샘플링하면 여러 샘플을 나란히 봅니다</translation>
    </message>
    <message>
        <source>Schedules</source>
        <translation>스케줄</translation>
    </message>
    <message>
        <source>Noise schedule</source>
        <translation>잡음 스케줄</translation>
    </message>
    <message>
        <source>timestep t</source>
        <translation>타임스텝 t</translation>
    </message>
    <message>
        <source>β_t</source>
        <translation>β_t</translation>
    </message>
    <message>
        <source>ᾱ_t (alpha-bar)</source>
        <translation>ᾱ_t (알파 바)</translation>
    </message>
    <message>
        <source>SNR = ᾱ / (1 − ᾱ)</source>
        <translation>SNR = ᾱ / (1 − ᾱ)</translation>
    </message>
    <message>
        <source>Forward</source>
        <translation>순방향</translation>
    </message>
    <message>
        <source>Forward noising</source>
        <translation>순방향 잡음</translation>
    </message>
    <message>
        <source>value</source>
        <translation>값</translation>
    </message>
    <message>
        <source>density</source>
        <translation>밀도</translation>
    </message>
    <message>
        <source>DDPM vs DDIM</source>
        <translation>DDPM vs DDIM</translation>
    </message>
    <message>
        <source>Compare DDPM and DDIM to see both samplers side by side</source>
        <translation>DDPM과 DDIM을 비교하면 두 샘플러를 나란히 봅니다</translation>
    </message>
    <message>
        <source>x</source>
        <translation>x</translation>
    </message>
    <message>
        <source>y</source>
        <translation>y</translation>
    </message>
    <message>
        <source>Particles</source>
        <translation>입자</translation>
    </message>
    <message>
        <source>2-D toy denoisers: particles flowing from noise to the data (train one in Training: diffusion-moons, diffusion-swiss-roll, diffusion-8-gaussians)</source>
        <translation>2차원 장난감 잡음 제거기: 잡음에서 데이터로 흘러가는 입자 (학습 패널에서 학습: diffusion-moons, diffusion-swiss-roll, diffusion-8-gaussians)</translation>
    </message>
    <message>
        <source>a diffusers UNet2DModel folder</source>
        <translation>diffusers UNet2DModel 폴더</translation>
    </message>
    <message>
        <source>the sampler</source>
        <translation>샘플러</translation>
    </message>
    <message>
        <source>ddim or ddpm</source>
        <translation>ddim 또는 ddpm</translation>
    </message>
    <message>
        <source>denoising steps</source>
        <translation>잡음 제거 스텝</translation>
    </message>
    <message>
        <source>a step count</source>
        <translation>스텝 수</translation>
    </message>
    <message>
        <source>DDIM's eta</source>
        <translation>DDIM의 eta</translation>
    </message>
    <message>
        <source>seed of x_T and the noise draws</source>
        <translation>x_T와 잡음 추출의 시드</translation>
    </message>
    <message>
        <source>a seed from %1 to %2</source>
        <translation>%1부터 %2까지의 시드</translation>
    </message>
    <message>
        <source>particles a 2-D toy denoiser samples</source>
        <translation>2차원 장난감 잡음 제거기가 샘플링할 입자 수</translation>
    </message>
    <message>
        <source>a count from %1 to %2</source>
        <translation>%1부터 %2까지의 개수</translation>
    </message>
    <message>
        <source>particles whose paths the Particles view draws</source>
        <translation>입자 보기가 경로를 그릴 입자 수</translation>
    </message>
    <message>
        <source>the step the Step view shows (1-based), or last</source>
        <translation>스텝 보기에 보여 줄 스텝 (1부터), 또는 last</translation>
    </message>
    <message>
        <source>how many seeds the Seeds view samples (sampled when given)</source>
        <translation>시드 보기가 샘플링할 시드 수 (주면 샘플링)</translation>
    </message>
    <message>
        <source>forward-noising timestep</source>
        <translation>순방향 잡음 타임스텝</translation>
    </message>
    <message>
        <source>a timestep</source>
        <translation>타임스텝</translation>
    </message>
    <message>
        <source>x0 for the forward view (an image file); default: the last sample</source>
        <translation>순방향 보기의 x0 (이미지 파일). 기본값: 마지막 샘플</translation>
    </message>
    <message>
        <source>yes: sample with DDPM and DDIM for the compare view</source>
        <translation>yes: 비교 보기를 위해 DDPM과 DDIM으로 샘플링</translation>
    </message>
    <message>
        <source>the view</source>
        <translation>보기</translation>
    </message>
    <message>
        <source>%1 is a 2-D toy model: its samples are points (see the Particles view)</source>
        <translation>%1은(는) 2차원 장난감 모델입니다: 샘플이 점입니다 (입자 보기를 보세요)</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>취소됨</translation>
    </message>
    <message>
        <source>%1 is not a diffusion model folder (its config.json must say "_class_name": "UNet2DModel", or "TesseraToyDenoiser" for a 2-D toy)</source>
        <translation>%1은(는) 디퓨전 모델 폴더가 아닙니다 (config.json에 "_class_name": "UNet2DModel", 2차원 장난감은 "TesseraToyDenoiser"라고 있어야 합니다)</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>%1 불러오는 중…</translation>
    </message>
    <message>
        <source>Loading %1</source>
        <translation>%1 불러오는 중</translation>
    </message>
    <message>
        <source>%1 training steps</source>
        <translation>학습 스텝 %1개</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; · toy denoiser (MLP) · points in %2-D · %3 parameters · %4%5</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; · 장난감 잡음 제거기 (MLP) · %2차원 점 · 파라미터 %3개 · %4%5</translation>
    </message>
    <message>
        <source> · trained on %1</source>
        <translation> · %1(으)로 학습</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; · UNet2DModel · samples %2×%3×%4 · %5 parameters · %6</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; · UNet2DModel · 샘플 %2×%3×%4 · 파라미터 %5개 · %6</translation>
    </message>
    <message>
        <source>Loaded %1</source>
        <translation>%1을(를) 불러왔습니다</translation>
    </message>
    <message>
        <source>open a diffusers UNet first</source>
        <translation>먼저 diffusers UNet을 여세요</translation>
    </message>
    <message>
        <source>Sampling: %1, %2 steps, seed %3…</source>
        <translation>샘플링: %1, %2스텝, 시드 %3…</translation>
    </message>
    <message>
        <source>%1 sampling, %2 steps</source>
        <translation>%1 샘플링, %2스텝</translation>
    </message>
    <message>
        <source>%1 steps of %2 in %3 (UNet %4, scheduler and the rest %5)</source>
        <translation>%2 %1스텝을 %3에 (UNet %4, 스케줄러와 나머지 %5)</translation>
    </message>
    <message>
        <source>%1 seeds</source>
        <translation>시드 %1개</translation>
    </message>
    <message>
        <source>%1 seeds sampled</source>
        <translation>시드 %1개 샘플링함</translation>
    </message>
    <message>
        <source>DDPM and DDIM, %1 steps</source>
        <translation>DDPM과 DDIM, %1스텝</translation>
    </message>
    <message>
        <source>open a diffusers UNet first (the image is resized to what it samples)</source>
        <translation>먼저 diffusers UNet을 여세요 (이미지는 모델이 샘플링하는 크기로 바뀝니다)</translation>
    </message>
    <message>
        <source>sample first: there is no trajectory to save</source>
        <translation>먼저 샘플링하세요: 저장할 궤적이 없습니다</translation>
    </message>
    <message>
        <source>%1: save as .safetensors, .npy or .mp4</source>
        <translation>%1: .safetensors, .npy 또는 .mp4로 저장하세요</translation>
    </message>
    <message>
        <source>a video shows image samples; save the particles' trajectory as .safetensors or .npy, or export the Particles view at each step</source>
        <translation>동영상은 이미지 샘플을 보여 줍니다. 입자 궤적은 .safetensors나 .npy로 저장하거나, 스텝마다 입자 보기를 내보내세요</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>%1에 저장했습니다</translation>
    </message>
    <message>
        <source>Particles: open a 2-D toy denoiser (train one in Training: diffusion-moons, diffusion-swiss-roll or diffusion-8-gaussians)</source>
        <translation>입자: 2차원 장난감 잡음 제거기를 여세요 (학습 패널에서 학습: diffusion-moons, diffusion-swiss-roll, diffusion-8-gaussians)</translation>
    </message>
    <message>
        <source>--steps: %1 is more than this model's %2 training steps</source>
        <translation>--steps: %1은(는) 이 모델의 학습 스텝 %2개보다 많습니다</translation>
    </message>
    <message>
        <source>--t: %1 is beyond the last timestep %2</source>
        <translation>--t: %1은(는) 마지막 타임스텝 %2을(를) 넘습니다</translation>
    </message>
    <message>
        <source>the Diffusion lab needs a model: --model DIR (a diffusers UNet2DModel folder)</source>
        <translation>디퓨전 실험실에는 모델이 필요합니다: --model DIR (diffusers UNet2DModel 폴더)</translation>
    </message>
    <message>
        <source>the particles view is for 2-D toy denoisers (this model samples images)</source>
        <translation>입자 보기는 2차원 장난감 잡음 제거기용입니다 (이 모델은 이미지를 샘플링합니다)</translation>
    </message>
    <message>
        <source>the %1 view shows images; this 2-D toy model's view is particles (or schedules)</source>
        <translation>%1 보기는 이미지를 보여 줍니다. 이 2차원 장난감 모델의 보기는 입자(또는 스케줄)입니다</translation>
    </message>
    <message>
        <source>the seeds view needs --seeds N</source>
        <translation>시드 보기에는 --seeds N이 필요합니다</translation>
    </message>
    <message>
        <source>the compare view needs --compare yes</source>
        <translation>비교 보기에는 --compare yes가 필요합니다</translation>
    </message>
    <message>
        <source>--step: "%1" is not a step number, or last</source>
        <translation>--step: "%1"은(는) 스텝 번호도 last도 아닙니다</translation>
    </message>
    <message>
        <source>--step: "%1" is not a step from 1 to %2, or last</source>
        <translation>--step: "%1"은(는) 1부터 %2까지의 스텝도 last도 아닙니다</translation>
    </message>
</context>
<context>
    <name>tessera::lenspanel::LensPanel</name>
    <message>
        <source>Lens</source>
        <translation>렌즈</translation>
    </message>
    <message>
        <source>Why a model said what it said: logit lens, direct logit attribution, head ablation, activation patching, gradient x input, integrated gradients, and for ViT Chefer relevance and attention flow</source>
        <translation>모델이 왜 그렇게 말했나: 로짓 렌즈, 직접 로짓 기여, 헤드 제거, 활성화 패칭, 그래디언트 × 입력, 적분 그래디언트, ViT에는 Chefer 관련도와 어텐션 흐름</translation>
    </message>
    <message>
        <source>No model. Open a text model with a causal or masked LM head (GPT-2, Llama, BERT …) or a ViT.</source>
        <translation>모델이 없습니다. 인과 또는 마스크 언어 모델 헤드가 있는 텍스트 모델(GPT-2, Llama, BERT …)이나 ViT를 여세요.</translation>
    </message>
    <message>
        <source>A checkpoint folder (config.json, model.safetensors and the tokenizer files)</source>
        <translation>체크포인트 폴더 (config.json, model.safetensors, 토크나이저 파일)</translation>
    </message>
    <message>
        <source>Open a model for the Lens</source>
        <translation>렌즈로 볼 모델 열기</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>입력</translation>
    </message>
    <message>
        <source>Your own</source>
        <translation>직접 입력</translation>
    </message>
    <message>
        <source>A prompt with its target: the IOI pair (clean and corrupted, “ Mary” against “ John”), a fact, the notes' negation example; or your own text</source>
        <translation>목표가 있는 프롬프트: IOI 쌍 (깨끗한 것과 오염된 것, “ Mary” 대 “ John”), 사실 하나, 노트의 부정 예문, 또는 내 문장</translation>
    </message>
    <message>
        <source>&amp;Preset</source>
        <translation>예제(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Text</source>
        <translation>문장(&amp;T)</translation>
    </message>
    <message>
        <source>The prompt (the clean run of patching); the Lens analyses its last token, or [MASK] for a masked LM</source>
        <translation>프롬프트 (패칭의 깨끗한 실행). 렌즈는 마지막 토큰을, 마스크 언어 모델은 [MASK]를 분석합니다</translation>
    </message>
    <message>
        <source>&amp;Corrupted</source>
        <translation>오염된 문장(&amp;C)</translation>
    </message>
    <message>
        <source>Patching: the corrupted prompt, as many tokens as the text (swap one word); each activation of the clean run is patched into it</source>
        <translation>패칭: 오염된 프롬프트, 문장과 토큰 수가 같게 (단어 하나 바꾸기). 깨끗한 실행의 활성화를 하나씩 여기에 붙여 넣습니다</translation>
    </message>
    <message>
        <source>T&amp;arget</source>
        <translation>목표(&amp;A)</translation>
    </message>
    <message>
        <source>The token whose logit is measured, written as text with its leading space (“ Mary”); it must be one token. Empty: the model's top prediction. A ViT: a class index</source>
        <translation>로짓을 잴 토큰, 앞 공백까지 글로 씁니다 (“ Mary”). 토큰 하나여야 합니다. 비우면 모델의 최상위 예측. ViT는 클래스 번호</translation>
    </message>
    <message>
        <source>C&amp;ontrast</source>
        <translation>대조(&amp;O)</translation>
    </message>
    <message>
        <source>A second token: the metric becomes logit(target) − logit(contrast). Empty: logit(target) alone</source>
        <translation>두 번째 토큰: 지표가 logit(목표) − logit(대조)가 됩니다. 비우면 logit(목표)만</translation>
    </message>
    <message>
        <source>&amp;Image</source>
        <translation>이미지(&amp;I)</translation>
    </message>
    <message>
        <source>ViT: the image file for relevance and flow; empty: the first image in the model folder</source>
        <translation>ViT: 관련도와 흐름에 쓸 이미지 파일. 비우면 모델 폴더의 첫 이미지</translation>
    </message>
    <message>
        <source>IG &amp;steps</source>
        <translation>IG 스텝(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Normalised patching</source>
        <translation>정규화한 패칭(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>실행(&amp;R)</translation>
    </message>
    <message>
        <source>Run the shown view's method on the input (a job; progress in the status bar)</source>
        <translation>보이는 보기의 방법을 입력에 실행합니다 (작업. 진행은 상태 표시줄에)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>Stop the running method</source>
        <translation>실행 중인 방법을 멈춥니다</translation>
    </message>
    <message>
        <source>Logit lens</source>
        <translation>로짓 렌즈</translation>
    </message>
    <message>
        <source>Attribution</source>
        <translation>기여</translation>
    </message>
    <message>
        <source>Ablation</source>
        <translation>제거</translation>
    </message>
    <message>
        <source>Patching</source>
        <translation>패칭</translation>
    </message>
    <message>
        <source>Patching heads</source>
        <translation>헤드 패칭</translation>
    </message>
    <message>
        <source>Saliency</source>
        <translation>돌출도</translation>
    </message>
    <message>
        <source>Integrated gradients</source>
        <translation>적분 그래디언트</translation>
    </message>
    <message>
        <source>Relevance</source>
        <translation>관련도</translation>
    </message>
    <message>
        <source>Flow</source>
        <translation>흐름</translation>
    </message>
    <message>
        <source>Hover a cell: the top token read from that layer at that position</source>
        <translation>칸 위에 마우스를 올리면: 그 레이어, 그 위치에서 읽은 최상위 토큰</translation>
    </message>
    <message>
        <source>Click a head to read its value</source>
        <translation>헤드를 클릭하면 값을 읽습니다</translation>
    </message>
    <message>
        <source>layer %1, head %2: %3</source>
        <translation>레이어 %1, 헤드 %2: %3</translation>
    </message>
    <message>
        <source>a text model with a causal or masked LM head, or a ViT (checkpoint folder)</source>
        <translation>인과 또는 마스크 언어 모델 헤드가 있는 텍스트 모델, 또는 ViT (체크포인트 폴더)</translation>
    </message>
    <message>
        <source>the prompt (the clean run)</source>
        <translation>프롬프트 (깨끗한 실행)</translation>
    </message>
    <message>
        <source>patching: the corrupted prompt, as many tokens as --text</source>
        <translation>패칭: --text와 토큰 수가 같은 오염된 프롬프트</translation>
    </message>
    <message>
        <source>the measured token as text (one token, " Mary"); a ViT: a class; empty: the top</source>
        <translation>잴 토큰을 글로 (토큰 하나, " Mary"). ViT는 클래스. 비우면 최상위</translation>
    </message>
    <message>
        <source>a second token: the metric is logit(target) - logit(contrast); empty: none</source>
        <translation>두 번째 토큰: 지표는 logit(목표) - logit(대조). 비우면 없음</translation>
    </message>
    <message>
        <source>ViT: an image file for relevance and flow (default: the first in the model folder)</source>
        <translation>ViT: 관련도와 흐름에 쓸 이미지 파일 (기본값: 모델 폴더의 첫 이미지)</translation>
    </message>
    <message>
        <source>integrated gradients: steps of the Riemann sum</source>
        <translation>적분 그래디언트: 리만 합의 스텝 수</translation>
    </message>
    <message>
        <source>a number of steps from 1 to 1024</source>
        <translation>1부터 1024까지의 스텝 수</translation>
    </message>
    <message>
        <source>patching: (patched - corrupted) / (clean - corrupted) instead of the metric</source>
        <translation>패칭: 지표 대신 (패칭 - 오염) / (깨끗 - 오염)</translation>
    </message>
    <message>
        <source>the view</source>
        <translation>보기</translation>
    </message>
    <message>
        <source>%1 holds no config.json: open a checkpoint folder</source>
        <translation>%1에 config.json이 없습니다: 체크포인트 폴더를 여세요</translation>
    </message>
    <message>
        <source>%1 is a %2 model, neither a text model with a language-model head nor a ViT: the Lens reads text models with a causal or masked LM head (GPT-2, Llama, BERT for masked LM) and ViT image models</source>
        <translation>%1은(는) %2 모델로, 언어 모델 헤드가 있는 텍스트 모델도 ViT도 아닙니다: 렌즈는 인과 또는 마스크 언어 모델 헤드가 있는 텍스트 모델(GPT-2, Llama, 마스크 언어 모델 BERT)과 ViT 이미지 모델을 읽습니다</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>%1 불러오는 중…</translation>
    </message>
    <message>
        <source>Loading %1</source>
        <translation>%1 불러오는 중</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; · %2 · %3 layers × %4 heads%5</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; · %2 · 레이어 %3개 × 헤드 %4개%5</translation>
    </message>
    <message>
        <source>Loaded %1</source>
        <translation>%1을(를) 불러왔습니다</translation>
    </message>
    <message>
        <source>%1 is not a view of the Lens</source>
        <translation>%1은(는) 렌즈의 보기가 아닙니다</translation>
    </message>
    <message>
        <source>open a model first (a text model with an LM head, or a ViT)</source>
        <translation>먼저 모델을 여세요 (언어 모델 헤드가 있는 텍스트 모델, 또는 ViT)</translation>
    </message>
    <message>
        <source>Running %1…</source>
        <translation>%1 실행 중…</translation>
    </message>
    <message>
        <source>Lens: %1</source>
        <translation>렌즈: %1</translation>
    </message>
    <message>
        <source>%1: done</source>
        <translation>%1: 끝</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>취소됨</translation>
    </message>
    <message>
        <source>Press Run</source>
        <translation>실행을 누르세요</translation>
    </message>
    <message>
        <source>Open a model</source>
        <translation>모델을 여세요</translation>
    </message>
    <message>
        <source>Logit lens · %1</source>
        <translation>로짓 렌즈 · %1</translation>
    </message>
    <message>
        <source>Direct logit attribution · %1</source>
        <translation>직접 로짓 기여 · %1</translation>
    </message>
    <message>
        <source>Head ablation · %1</source>
        <translation>헤드 제거 · %1</translation>
    </message>
    <message>
        <source>Activation patching · %1</source>
        <translation>활성화 패칭 · %1</translation>
    </message>
    <message>
        <source>Activation patching of heads · %1</source>
        <translation>헤드 활성화 패칭 · %1</translation>
    </message>
    <message>
        <source>Gradient × input · %1</source>
        <translation>그래디언트 × 입력 · %1</translation>
    </message>
    <message>
        <source>Integrated gradients · %1</source>
        <translation>적분 그래디언트 · %1</translation>
    </message>
    <message>
        <source>Chefer relevance (ViT) · %1</source>
        <translation>Chefer 관련도 (ViT) · %1</translation>
    </message>
    <message>
        <source>Attention flow (ViT) · %1</source>
        <translation>어텐션 흐름 (ViT) · %1</translation>
    </message>
    <message>
        <source>--image: %1 is not a file</source>
        <translation>--image: %1은(는) 파일이 아닙니다</translation>
    </message>
    <message>
        <source>the Lens needs a model: --model DIR (a text model with an LM head, or a ViT)</source>
        <translation>렌즈에는 모델이 필요합니다: --model DIR (언어 모델 헤드가 있는 텍스트 모델, 또는 ViT)</translation>
    </message>
</context>
<context>
    <name>tessera::models::ModelsPanel</name>
    <message>
        <source>Models</source>
        <translation>모델</translation>
    </message>
    <message>
        <source>Open a Hugging Face checkpoint: its architecture, tokens and predictions</source>
        <translation>Hugging Face 체크포인트 열기: 구조, 토큰, 예측</translation>
    </message>
    <message>
        <source>Open a checkpoint folder (config.json + model.safetensors, with its tokenizer files): File ▸ Open Folder, the button above, or drop the folder on the window.</source>
        <translation>체크포인트 폴더(config.json + model.safetensors와 토크나이저 파일)를 여세요: 파일 ▸ 폴더 열기, 위의 버튼, 또는 폴더를 창에 끌어다 놓기.</translation>
    </message>
    <message>
        <source>Open checkpoint…</source>
        <translation>체크포인트 열기…</translation>
    </message>
    <message>
        <source>A Hugging Face checkpoint folder: BERT, GPT-2 or ViT in safetensors</source>
        <translation>Hugging Face 체크포인트 폴더: safetensors 형식의 BERT, GPT-2, ViT</translation>
    </message>
    <message>
        <source>No model loaded</source>
        <translation>불러온 모델 없음</translation>
    </message>
    <message>
        <source>Property</source>
        <translation>속성</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>값</translation>
    </message>
    <message>
        <source>Try it</source>
        <translation>해 보기</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>작업</translation>
    </message>
    <message>
        <source>Text for the model; for fill-mask, write [MASK] where a word should be predicted. Ctrl+Return runs it.</source>
        <translation>모델에 줄 문장. 빈칸 채우기는 예측할 단어 자리에 [MASK]를 쓰세요. Ctrl+Return으로 실행합니다.</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>입력</translation>
    </message>
    <message>
        <source>Choose image…</source>
        <translation>이미지 고르기…</translation>
    </message>
    <message>
        <source>Top k</source>
        <translation>상위 k</translation>
    </message>
    <message>
        <source>Next-token probabilities are softmax(logits / temperature).</source>
        <translation>다음 토큰 확률은 softmax(logits / temperature)입니다.</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>온도</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>실행</translation>
    </message>
    <message>
        <source>Predictions</source>
        <translation>예측</translation>
    </message>
    <message>
        <source>probability</source>
        <translation>확률</translation>
    </message>
    <message>
        <source>token</source>
        <translation>토큰</translation>
    </message>
    <message>
        <source>id</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>start</source>
        <translation>시작</translation>
    </message>
    <message>
        <source>end</source>
        <translation>끝</translation>
    </message>
    <message>
        <source>type id</source>
        <translation>타입 ID</translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation>토큰</translation>
    </message>
    <message>
        <source>dimension</source>
        <translation>차원</translation>
    </message>
    <message>
        <source>position</source>
        <translation>위치</translation>
    </message>
    <message>
        <source>weight</source>
        <translation>가중치</translation>
    </message>
    <message>
        <source>Position table</source>
        <translation>위치 표</translation>
    </message>
    <message>
        <source>Open a checkpoint folder</source>
        <translation>체크포인트 폴더 열기</translation>
    </message>
    <message>
        <source>checkpoint folder to load</source>
        <translation>불러올 체크포인트 폴더</translation>
    </message>
    <message>
        <source>text (use [MASK] for fill-mask) or, for ViT, an image file</source>
        <translation>문장 (빈칸 채우기는 [MASK]), ViT는 이미지 파일</translation>
    </message>
    <message>
        <source>number of predictions (1-50)</source>
        <translation>예측 개수 (1-50)</translation>
    </message>
    <message>
        <source>next-token temperature (0.05-10)</source>
        <translation>다음 토큰 온도 (0.05-10)</translation>
    </message>
    <message>
        <source>a number from %1 to %2</source>
        <translation>%1부터 %2까지의 수</translation>
    </message>
    <message>
        <source>the figure shown and exported</source>
        <translation>보여 주고 내보낼 그림</translation>
    </message>
    <message>
        <source>%1 is a DETR detector: open it in the DETR lens (Alt+7)</source>
        <translation>%1은(는) DETR 검출기입니다: DETR 렌즈(Alt+7)에서 여세요</translation>
    </message>
    <message>
        <source>%1 is a diffusion model: open it in the Diffusion lab (Alt+6)</source>
        <translation>%1은(는) 디퓨전 모델입니다: 디퓨전 실험실(Alt+6)에서 여세요</translation>
    </message>
    <message>
        <source>no job runner</source>
        <translation>작업 실행기가 없습니다</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>%1 불러오는 중…</translation>
    </message>
    <message>
        <source>Loading %1</source>
        <translation>%1 불러오는 중</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; · %2 · %3 layers × %4 heads · hidden %5 · %6 parameters</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; · %2 · 레이어 %3개 × 헤드 %4개 · 은닉 %5 · 파라미터 %6개</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>구조</translation>
    </message>
    <message>
        <source>model_type</source>
        <translation>model_type</translation>
    </message>
    <message>
        <source>Layers × heads</source>
        <translation>레이어 × 헤드</translation>
    </message>
    <message>
        <source>Key/value heads</source>
        <translation>키/값 헤드</translation>
    </message>
    <message>
        <source>1: multi-query attention, all %1 query heads share one key and value</source>
        <translation>1: 멀티 쿼리 어텐션, 쿼리 헤드 %1개가 모두 키와 값 하나를 나눠 씁니다</translation>
    </message>
    <message>
        <source>%1: grouped-query attention, %2 query heads per key/value head</source>
        <translation>%1: 그룹 쿼리 어텐션, 키/값 헤드 하나에 쿼리 헤드 %2개</translation>
    </message>
    <message>
        <source>%1, base %2</source>
        <translation>%1, 밑 %2</translation>
    </message>
    <message>
        <source>, factor %1</source>
        <translation>, 배율 %1</translation>
    </message>
    <message>
        <source>, trained on %1 positions</source>
        <translation>, 위치 %1개로 학습</translation>
    </message>
    <message>
        <source>Positions (RoPE)</source>
        <translation>위치 (RoPE)</translation>
    </message>
    <message>
        <source>RoPE of sliding layers</source>
        <translation>슬라이딩 레이어의 RoPE</translation>
    </message>
    <message>
        <source>Sliding window</source>
        <translation>슬라이딩 윈도</translation>
    </message>
    <message>
        <source>%1 keys, in %2 of %3 layers</source>
        <translation>키 %1개, 레이어 %3개 중 %2개에서</translation>
    </message>
    <message>
        <source>Hidden / feed-forward</source>
        <translation>은닉 / 피드포워드</translation>
    </message>
    <message>
        <source>Vocabulary</source>
        <translation>어휘</translation>
    </message>
    <message>
        <source>Positions</source>
        <translation>위치</translation>
    </message>
    <message>
        <source>Patches</source>
        <translation>패치</translation>
    </message>
    <message>
        <source>%1/%2 = %3 per side: %4 patches of %5 values, + [CLS]</source>
        <translation>%1/%2 = 한 변에 %3: 값 %5개짜리 패치 %4개, + [CLS]</translation>
    </message>
    <message>
        <source>Parameters (weights)</source>
        <translation>파라미터 (가중치에서)</translation>
    </message>
    <message>
        <source>Parameters (config, base model)</source>
        <translation>파라미터 (설정에서, 기본 모델)</translation>
    </message>
    <message>
        <source>dtype</source>
        <translation>dtype</translation>
    </message>
    <message>
        <source>Activation</source>
        <translation>활성화 함수</translation>
    </message>
    <message>
        <source>Tokenizer</source>
        <translation>토크나이저</translation>
    </message>
    <message>
        <source>none: %1</source>
        <translation>없음: %1</translation>
    </message>
    <message>
        <source>Files read</source>
        <translation>읽은 파일</translation>
    </message>
    <message>
        <source>Tensors</source>
        <translation>텐서</translation>
    </message>
    <message>
        <source>Unused tensors in the file</source>
        <translation>파일에서 쓰지 않은 텐서</translation>
    </message>
    <message>
        <source>Learned position table of %1</source>
        <translation>%1의 학습된 위치 표</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>%1 has no learned position table (it rotates queries and keys: RoPE)</source>
        <translation>%1에는 학습된 위치 표가 없습니다 (쿼리와 키를 회전시킵니다: RoPE)</translation>
    </message>
    <message>
        <source>image classification</source>
        <translation>이미지 분류</translation>
    </message>
    <message>
        <source>fill-mask</source>
        <translation>빈칸 채우기</translation>
    </message>
    <message>
        <source>next token</source>
        <translation>다음 토큰</translation>
    </message>
    <message>
        <source>Loaded %1.</source>
        <translation>%1을(를) 불러왔습니다.</translation>
    </message>
    <message>
        <source>Choose an image</source>
        <translation>이미지 고르기</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.bmp *.webp *.tif *.tiff)</source>
        <translation>이미지 (*.png *.jpg *.jpeg *.bmp *.webp *.tif *.tiff)</translation>
    </message>
    <message>
        <source>Choose an image to classify.</source>
        <translation>분류할 이미지를 고르세요.</translation>
    </message>
    <message>
        <source>This checkpoint has no tokenizer files (vocab.txt, vocab.json + merges.txt or tokenizer.json).</source>
        <translation>이 체크포인트에는 토크나이저 파일(vocab.txt, vocab.json + merges.txt 또는 tokenizer.json)이 없습니다.</translation>
    </message>
    <message>
        <source>Running %1</source>
        <translation>%1 실행 중</translation>
    </message>
    <message>
        <source>Most likely: “%1” (%2%)</source>
        <translation>가장 가능성 높음: “%1” (%2%)</translation>
    </message>
    <message>
        <source>text to text (beam search; the Alignment view shows how)</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>tessera::pelab</name>
    <message>
        <source>dim %1 %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>mean similarity</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>pair 0</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>pair %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>m - n = %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>slope</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>tessera::pelab::PeLabPanel</name>
    <message>
        <source>Positional encodings</source>
        <translation>위치 인코딩</translation>
    </message>
    <message>
        <source>Sinusoidal curves and heatmap, position similarity, RoPE, ALiBi and learned tables</source>
        <translation>사인파 곡선과 히트맵, 위치 유사도, RoPE, ALiBi, 학습된 위치 표</translation>
    </message>
    <message>
        <source>Sinusoidal encoding</source>
        <translation>사인파 인코딩</translation>
    </message>
    <message>
        <source>d_model: the embedding width. Drag to watch the frequencies spread out.</source>
        <translation>d_model: 임베딩 폭. 끌어서 주파수가 퍼지는 모습을 보세요.</translation>
    </message>
    <message>
        <source>d_model</source>
        <translation>d_model</translation>
    </message>
    <message>
        <source>max_len: the number of positions tabulated (0 .. max_len - 1).</source>
        <translation>max_len: 표로 만드는 위치의 개수 (0 .. max_len - 1).</translation>
    </message>
    <message>
        <source>max_len</source>
        <translation>max_len</translation>
    </message>
    <message>
        <source>The base of the wavelengths: PE(pos, 2i) = sin(pos / base^(2i/d)).</source>
        <translation>파장의 밑: PE(pos, 2i) = sin(pos / base^(2i/d)).</translation>
    </message>
    <message>
        <source>base</source>
        <translation>밑</translation>
    </message>
    <message>
        <source>Dimensions drawn as curves: a list like 4,5,6,7 or a range like 0-3.</source>
        <translation>곡선으로 그릴 차원: 4,5,6,7 같은 목록이나 0-3 같은 범위.</translation>
    </message>
    <message>
        <source>curve dims</source>
        <translation>곡선 차원</translation>
    </message>
    <message>
        <source>How two positions' encodings are compared in the similarity view.</source>
        <translation>유사도 보기에서 두 위치의 인코딩을 비교하는 방법.</translation>
    </message>
    <message>
        <source>similarity</source>
        <translation>유사도</translation>
    </message>
    <message>
        <source>RoPE</source>
        <translation>RoPE</translation>
    </message>
    <message>
        <source>Head dimension of the rotated query and key (even).</source>
        <translation>회전시킬 쿼리와 키의 헤드 차원 (짝수).</translation>
    </message>
    <message>
        <source>head dim</source>
        <translation>헤드 차원</translation>
    </message>
    <message>
        <source>The pair (x[2i], x[2i+1]) whose rotation is drawn beside pair 0.</source>
        <translation>쌍 0 옆에 회전을 그릴 쌍 (x[2i], x[2i+1]).</translation>
    </message>
    <message>
        <source>pair i</source>
        <translation>쌍 i</translation>
    </message>
    <message>
        <source>positions</source>
        <translation>위치 수</translation>
    </message>
    <message>
        <source>ALiBi</source>
        <translation>ALiBi</translation>
    </message>
    <message>
        <source>heads</source>
        <translation>헤드 수</translation>
    </message>
    <message>
        <source>The head whose bias matrix is shown.</source>
        <translation>편향 행렬을 보여 줄 헤드.</translation>
    </message>
    <message>
        <source>head</source>
        <translation>헤드</translation>
    </message>
    <message>
        <source>length</source>
        <translation>길이</translation>
    </message>
    <message>
        <source>causal (mask the future)</source>
        <translation>인과 (미래 가리기)</translation>
    </message>
    <message>
        <source>Learned table</source>
        <translation>학습된 표</translation>
    </message>
    <message>
        <source>Position tables of loaded models, or one opened from a file.</source>
        <translation>불러온 모델의 위치 표, 또는 파일에서 연 표.</translation>
    </message>
    <message>
        <source>Open table…</source>
        <translation>표 열기…</translation>
    </message>
    <message>
        <source>A .csv, .npy or .safetensors file holding a [positions, dims] table.</source>
        <translation>[위치, 차원] 표를 담은 .csv, .npy 또는 .safetensors 파일.</translation>
    </message>
    <message>
        <source>Display</source>
        <translation>표시</translation>
    </message>
    <message>
        <source>Colour map of every heatmap; 'diverging' centres zero.</source>
        <translation>모든 히트맵의 색상표. 'diverging'은 0을 가운데 둡니다.</translation>
    </message>
    <message>
        <source>colour map</source>
        <translation>색상표</translation>
    </message>
    <message>
        <source>Sinusoidal positional encoding</source>
        <translation>사인파 위치 인코딩</translation>
    </message>
    <message>
        <source>position</source>
        <translation>위치</translation>
    </message>
    <message>
        <source>PE(pos, dim)</source>
        <translation>PE(pos, dim)</translation>
    </message>
    <message>
        <source>Curves</source>
        <translation>곡선</translation>
    </message>
    <message>
        <source>PE(pos, 2i) = sin(pos / 10000&lt;sup&gt;2i/d&lt;/sup&gt;), PE(pos, 2i+1) = cos(…): each pair of dimensions is a sine/cosine of its own wavelength.</source>
        <translation>PE(pos, 2i) = sin(pos / 10000&lt;sup&gt;2i/d&lt;/sup&gt;), PE(pos, 2i+1) = cos(…): 차원 쌍마다 자기 파장의 사인/코사인입니다.</translation>
    </message>
    <message>
        <source>dimension</source>
        <translation>차원</translation>
    </message>
    <message>
        <source>PE</source>
        <translation>PE</translation>
    </message>
    <message>
        <source>Heatmap</source>
        <translation>히트맵</translation>
    </message>
    <message>
        <source>Every position (row) is a d_model-wide code; low dimensions change fast, high ones slowly. Click a cell to highlight its row and column.</source>
        <translation>위치(행)마다 d_model 폭의 코드입니다. 낮은 차원은 빨리, 높은 차원은 천천히 변합니다. 칸을 클릭하면 그 행과 열을 강조합니다.</translation>
    </message>
    <message>
        <source>Position similarity</source>
        <translation>위치 유사도</translation>
    </message>
    <message>
        <source>Similarity of positions</source>
        <translation>위치 사이의 유사도</translation>
    </message>
    <message>
        <source>Mean similarity against offset</source>
        <translation>간격에 따른 평균 유사도</translation>
    </message>
    <message>
        <source>offset k</source>
        <translation>간격 k</translation>
    </message>
    <message>
        <source>mean S(p, p+k)</source>
        <translation>평균 S(p, p+k)</translation>
    </message>
    <message>
        <source>Similarity</source>
        <translation>유사도</translation>
    </message>
    <message>
        <source>Nearby positions have similar encodings, and the similarity depends on the offset more than on the position itself.</source>
        <translation>가까운 위치는 인코딩이 비슷하고, 유사도는 위치 자체보다 간격에 더 좌우됩니다.</translation>
    </message>
    <message>
        <source>Rotary position embedding (RoPE)</source>
        <translation>회전 위치 임베딩 (RoPE)</translation>
    </message>
    <message>
        <source>Rotation of query pairs</source>
        <translation>쿼리 쌍의 회전</translation>
    </message>
    <message>
        <source>x[2i]</source>
        <translation>x[2i]</translation>
    </message>
    <message>
        <source>x[2i+1]</source>
        <translation>x[2i+1]</translation>
    </message>
    <message>
        <source>Score qₘ·kₙ</source>
        <translation>점수 qₘ·kₙ</translation>
    </message>
    <message>
        <source>key position n</source>
        <translation>키 위치 n</translation>
    </message>
    <message>
        <source>query position m</source>
        <translation>쿼리 위치 m</translation>
    </message>
    <message>
        <source>score</source>
        <translation>점수</translation>
    </message>
    <message>
        <source>Score along m − n = const</source>
        <translation>m − n = 상수를 따른 점수</translation>
    </message>
    <message>
        <source>RoPE rotates each pair (x&lt;sub&gt;2i&lt;/sub&gt;, x&lt;sub&gt;2i+1&lt;/sub&gt;) by m·θ&lt;sub&gt;i&lt;/sub&gt;. The score of a rotated query and key depends only on m − n: constant along every diagonal.</source>
        <translation>RoPE는 쌍 (x&lt;sub&gt;2i&lt;/sub&gt;, x&lt;sub&gt;2i+1&lt;/sub&gt;)마다 m·θ&lt;sub&gt;i&lt;/sub&gt;만큼 회전시킵니다. 회전된 쿼리와 키의 점수는 m − n에만 달려 있어, 대각선마다 일정합니다.</translation>
    </message>
    <message>
        <source>ALiBi attention biases</source>
        <translation>ALiBi 어텐션 편향</translation>
    </message>
    <message>
        <source>key position j</source>
        <translation>키 위치 j</translation>
    </message>
    <message>
        <source>query position i</source>
        <translation>쿼리 위치 i</translation>
    </message>
    <message>
        <source>bias</source>
        <translation>편향</translation>
    </message>
    <message>
        <source>Slope per head</source>
        <translation>헤드별 기울기</translation>
    </message>
    <message>
        <source>slope m</source>
        <translation>기울기 m</translation>
    </message>
    <message>
        <source>ALiBi adds −m·|i − j| to the attention scores, with a geometric sequence of slopes m across heads; grey cells are masked.</source>
        <translation>ALiBi는 어텐션 점수에 −m·|i − j|를 더합니다. 기울기 m은 헤드마다 등비수열이고, 회색 칸은 가려진 칸입니다.</translation>
    </message>
    <message>
        <source>Learned position table</source>
        <translation>학습된 위치 표</translation>
    </message>
    <message>
        <source>weight</source>
        <translation>가중치</translation>
    </message>
    <message>
        <source>Cosine similarity of positions</source>
        <translation>위치 사이의 코사인 유사도</translation>
    </message>
    <message>
        <source>cosine</source>
        <translation>코사인</translation>
    </message>
    <message>
        <source>No learned table yet: open a model (BERT, GPT-2 and ViT checkpoints publish theirs here), or open a .csv, .npy or .safetensors table with “Open table…” or by dropping it on the window.</source>
        <translation>아직 학습된 표가 없습니다. 모델을 열거나 (BERT, GPT-2, ViT 체크포인트가 여기에 자기 표를 보냅니다), “표 열기…”나 창에 끌어다 놓기로 .csv, .npy, .safetensors 표를 여세요.</translation>
    </message>
    <message>
        <source>Learned</source>
        <translation>학습된 표</translation>
    </message>
    <message>
        <source>the figure shown and exported</source>
        <translation>보여 주고 내보낼 그림</translation>
    </message>
    <message>
        <source>embedding width d_model (1-4096)</source>
        <translation>임베딩 폭 d_model (1-4096)</translation>
    </message>
    <message>
        <source>number of positions (1-4096)</source>
        <translation>위치의 개수 (1-4096)</translation>
    </message>
    <message>
        <source>wavelength base of the sinusoids</source>
        <translation>사인파 파장의 밑</translation>
    </message>
    <message>
        <source>a number from %1 to %2</source>
        <translation>%1부터 %2까지의 수</translation>
    </message>
    <message>
        <source>dimensions drawn as curves, e.g. 4,5,6,7 or 0-3</source>
        <translation>곡선으로 그릴 차원, 예: 4,5,6,7 또는 0-3</translation>
    </message>
    <message>
        <source>position similarity measure</source>
        <translation>위치 유사도 척도</translation>
    </message>
    <message>
        <source>RoPE head dimension (even, 2-512)</source>
        <translation>RoPE 헤드 차원 (짝수, 2-512)</translation>
    </message>
    <message>
        <source>RoPE pair drawn beside pair 0</source>
        <translation>쌍 0 옆에 그릴 RoPE 쌍</translation>
    </message>
    <message>
        <source>RoPE positions (1-512)</source>
        <translation>RoPE 위치 수 (1-512)</translation>
    </message>
    <message>
        <source>number of ALiBi heads (1-64)</source>
        <translation>ALiBi 헤드 수 (1-64)</translation>
    </message>
    <message>
        <source>ALiBi head shown (0-based)</source>
        <translation>보여 줄 ALiBi 헤드 (0부터)</translation>
    </message>
    <message>
        <source>ALiBi sequence length (1-1024)</source>
        <translation>ALiBi 시퀀스 길이 (1-1024)</translation>
    </message>
    <message>
        <source>mask the future in the ALiBi view (true/false)</source>
        <translation>ALiBi 보기에서 미래 가리기 (true/false)</translation>
    </message>
    <message>
        <source>heatmap colour map</source>
        <translation>히트맵 색상표</translation>
    </message>
    <message>
        <source>learned position table file (.csv, .npy, .safetensors)</source>
        <translation>학습된 위치 표 파일 (.csv, .npy, .safetensors)</translation>
    </message>
    <message>
        <source>tensor name inside a .safetensors table</source>
        <translation>.safetensors 안의 텐서 이름</translation>
    </message>
    <message>
        <source>--rope-dim: %1 is odd; RoPE rotates pairs, so the head dimension must be even</source>
        <translation>--rope-dim: %1은(는) 홀수입니다. RoPE는 쌍을 회전시키므로 헤드 차원은 짝수여야 합니다</translation>
    </message>
    <message>
        <source>--causal: "%1" is not true or false</source>
        <translation>--causal: "%1"은(는) true나 false가 아닙니다</translation>
    </message>
    <message>
        <source>--dims: dimension %1 does not exist when d_model is %2 (use 0 to %3)</source>
        <translation>--dims: d_model이 %2일 때 차원 %1은(는) 없습니다 (0부터 %3까지 쓰세요)</translation>
    </message>
    <message>
        <source>--%1: "%2" is not one of %3</source>
        <translation>--%1: "%2"은(는) %3 중 하나가 아닙니다</translation>
    </message>
    <message>
        <source>%1: holds no two-dimensional tensor to show as a position table</source>
        <translation>%1: 위치 표로 보여 줄 2차원 텐서가 없습니다</translation>
    </message>
    <message>
        <source>Choose a tensor</source>
        <translation>텐서 고르기</translation>
    </message>
    <message>
        <source>Tensor shown as the position table:</source>
        <translation>위치 표로 보여 줄 텐서:</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>취소됨</translation>
    </message>
    <message>
        <source>Open a position table</source>
        <translation>위치 표 열기</translation>
    </message>
    <message>
        <source>Tables (*.csv *.npy *.safetensors);;All files (*)</source>
        <translation>표 (*.csv *.npy *.safetensors);;모든 파일 (*)</translation>
    </message>
    <message>
        <source>Could not open the table: %1</source>
        <translation>표를 열 수 없습니다: %1</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;: %2 positions × %3 dimensions</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;: 위치 %2개 × 차원 %3개</translation>
    </message>
    <message>
        <source>Learned position table: %1</source>
        <translation>학습된 위치 표: %1</translation>
    </message>
    <message>
        <source>(none loaded)</source>
        <translation>(불러온 것 없음)</translation>
    </message>
    <message>
        <source>computing…</source>
        <translation>계산 중…</translation>
    </message>
    <message>
        <source>Positional encodings (d_model %1, %2 positions)</source>
        <translation>위치 인코딩 (d_model %1, 위치 %2개)</translation>
    </message>
    <message>
        <source>Could not compute: %1</source>
        <translation>계산할 수 없습니다: %1</translation>
    </message>
    <message>
        <source>Sinusoidal positional encoding (d_model = %1)</source>
        <translation>사인파 위치 인코딩 (d_model = %1)</translation>
    </message>
    <message>
        <source>Sinusoidal positional encoding (%1 positions × d_model %2)</source>
        <translation>사인파 위치 인코딩 (위치 %1개 × d_model %2)</translation>
    </message>
    <message>
        <source>dot product</source>
        <translation>내적</translation>
    </message>
    <message>
        <source>Position similarity (%1)</source>
        <translation>위치 유사도 (%1)</translation>
    </message>
    <message>
        <source>Score per offset m − n (spread %1)</source>
        <translation>간격 m − n별 점수 (퍼짐 %1)</translation>
    </message>
    <message>
        <source>ALiBi bias of head %1 (slope %2)</source>
        <translation>헤드 %1의 ALiBi 편향 (기울기 %2)</translation>
    </message>
    <message>
        <source>d_model %1 · %2 positions · RoPE diagonal spread %3</source>
        <translation>d_model %1 · 위치 %2개 · RoPE 대각선 퍼짐 %3</translation>
    </message>
</context>
<context>
    <name>tessera::plugins::ImageSourceBox</name>
    <message>
        <source>Image</source>
        <translation>이미지</translation>
    </message>
    <message>
        <source>none</source>
        <translation>없음</translation>
    </message>
    <message>
        <source>Open image…</source>
        <translation>이미지 열기…</translation>
    </message>
    <message>
        <source>PNG, JPEG, BMP, TIFF or WebP; you can also drop a file on the window or paste (Ctrl+V)</source>
        <translation>PNG, JPEG, BMP, TIFF 또는 WebP. 파일을 창에 끌어다 놓거나 붙여넣을(Ctrl+V) 수도 있습니다</translation>
    </message>
    <message>
        <source>Open an image</source>
        <translation>이미지 열기</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp)</source>
        <translation>이미지 (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp)</translation>
    </message>
    <message>
        <source>Paste</source>
        <translation>붙여넣기</translation>
    </message>
    <message>
        <source>Use the image on the clipboard (Ctrl+V)</source>
        <translation>클립보드의 이미지 사용 (Ctrl+V)</translation>
    </message>
    <message>
        <source>the clipboard holds no image</source>
        <translation>클립보드에 이미지가 없습니다</translation>
    </message>
    <message>
        <source>pasted image</source>
        <translation>붙여넣은 이미지</translation>
    </message>
    <message>
        <source>A Fashion-MNIST test image (Debian's dataset-fashion-mnist), by index</source>
        <translation>Fashion-MNIST 테스트 이미지 (데비안 dataset-fashion-mnist), 번호로 선택</translation>
    </message>
    <message>
        <source>Use</source>
        <translation>사용</translation>
    </message>
    <message>
        <source>Dataset sample</source>
        <translation>데이터셋 표본</translation>
    </message>
    <message>
        <source>%1 (install dataset-fashion-mnist)</source>
        <translation>%1 (dataset-fashion-mnist를 설치하세요)</translation>
    </message>
    <message>
        <source>Fashion-MNIST test %1 (%2)</source>
        <translation>Fashion-MNIST 테스트 %1 (%2)</translation>
    </message>
</context>
<context>
    <name>tessera::plugins::ModelSourceBox</name>
    <message>
        <source>Model</source>
        <translation>모델</translation>
    </message>
    <message>
        <source>Open model…</source>
        <translation>모델 열기…</translation>
    </message>
    <message>
        <source>Snapshot: step %1 of %2%3</source>
        <translation>스냅숏: %2스텝 중 %1%3</translation>
    </message>
</context>
<context>
    <name>tessera::plugins::PanelBase</name>
    <message>
        <source>%1 cannot be opened in the %2 panel</source>
        <translation>%1은(는) %2 패널에서 열 수 없습니다</translation>
    </message>
    <message>
        <source>unknown option --%1 for the %2 panel (options: %3)</source>
        <translation>%2 패널에 없는 옵션 --%1 (옵션: %3)</translation>
    </message>
    <message>
        <source>--view: "%1" is not one of %2</source>
        <translation>--view: "%1"은(는) %2 중 하나가 아닙니다</translation>
    </message>
</context>
<context>
    <name>tessera::projector</name>
    <message>
        <source>%1 in %2 s</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>, KL %1 after %2 iterations</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>, neighbours by HNSW (approximate)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>, exact neighbours</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>PC %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Explained variance (run PCA)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Explained variance: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>row</source>
        <translation type="unfinished">행</translation>
    </message>
    <message>
        <source>label</source>
        <translation type="unfinished">레이블</translation>
    </message>
    <message>
        <source>similarity</source>
        <translation type="unfinished">유사도</translation>
    </message>
    <message>
        <source>distance</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>PC 1 (%1%)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>PC 2 (%1%)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1  |  %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Write the arithmetic as a - b + c, e.g. king - man + woman.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>"%1" is not a label of the data (nor a row number).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>optimising: step %1 of %2</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>tessera::projector::ProjectorPanel</name>
    <message>
        <source>Projector</source>
        <translation>프로젝터</translation>
    </message>
    <message>
        <source>PCA, t-SNE and UMAP of up to 100,000 embeddings, unsampled: token, position, contextual, sentence and image embeddings or any matrix; neighbours by four similarities, vector arithmetic, two layouts side by side</source>
        <translation>임베딩 10만 개까지 표본 없이 PCA, t-SNE, UMAP: 토큰·위치·문맥·문장·이미지 임베딩이나 아무 행렬. 네 가지 유사도의 이웃, 벡터 연산, 두 배치 나란히</translation>
    </message>
    <message>
        <source>between %1 and %2</source>
        <translation>%1에서 %2 사이</translation>
    </message>
    <message>
        <source>what to project</source>
        <translation>투영할 것</translation>
    </message>
    <message>
        <source>a matrix file (.npy, .safetensors, CSV), checkpoint folder or training-run folder</source>
        <translation>행렬 파일 (.npy, .safetensors, CSV), 체크포인트 폴더 또는 학습 폴더</translation>
    </message>
    <message>
        <source>the tensor of a safetensors file or snapshot</source>
        <translation>safetensors 파일이나 스냅숏 안의 텐서</translation>
    </message>
    <message>
        <source>a labels file, one label per line (matrix sources)</source>
        <translation>레이블 파일, 한 줄에 하나 (행렬 원천)</translation>
    </message>
    <message>
        <source>a text file, one sentence per line (contextual / sentence sources)</source>
        <translation>텍스트 파일, 한 줄에 한 문장 (문맥 / 문장 원천)</translation>
    </message>
    <message>
        <source>hidden-state layer, -1 = last</source>
        <translation>은닉 상태 레이어, -1 = 마지막</translation>
    </message>
    <message>
        <source>a layer (-1 to 256)</source>
        <translation>레이어 (-1부터 256까지)</translation>
    </message>
    <message>
        <source>contextual: keep only this word's occurrences</source>
        <translation>문맥: 이 단어가 나온 곳만 남기기</translation>
    </message>
    <message>
        <source>sentence embeddings: [CLS] or mean</source>
        <translation>문장 임베딩: [CLS] 또는 평균</translation>
    </message>
    <message>
        <source>Fashion-MNIST images (pixels / images sources)</source>
        <translation>Fashion-MNIST 이미지 (픽셀 / 이미지 원천)</translation>
    </message>
    <message>
        <source>snapshot index of a training run, -1 = last</source>
        <translation>학습 스냅숏 번호, -1 = 마지막</translation>
    </message>
    <message>
        <source>a snapshot index</source>
        <translation>스냅숏 번호</translation>
    </message>
    <message>
        <source>layout method</source>
        <translation>배치 방법</translation>
    </message>
    <message>
        <source>t-SNE perplexity</source>
        <translation>t-SNE 퍼플렉서티</translation>
    </message>
    <message>
        <source>UMAP n_neighbors</source>
        <translation>UMAP n_neighbors</translation>
    </message>
    <message>
        <source>UMAP min_dist</source>
        <translation>UMAP min_dist</translation>
    </message>
    <message>
        <source>between %1 and %2 (the spread)</source>
        <translation>%1에서 %2 사이 (spread)</translation>
    </message>
    <message>
        <source>distance the layouts use</source>
        <translation>배치에 쓰는 거리</translation>
    </message>
    <message>
        <source>t-SNE iterations / UMAP epochs, 0 = default</source>
        <translation>t-SNE 반복 / UMAP 에폭, 0 = 기본값</translation>
    </message>
    <message>
        <source>random seed</source>
        <translation>난수 시드</translation>
    </message>
    <message>
        <source>highlight labels containing this text</source>
        <translation>이 글자를 담은 레이블 강조</translation>
    </message>
    <message>
        <source>neighbour similarity</source>
        <translation>이웃 유사도</translation>
    </message>
    <message>
        <source>neighbours listed</source>
        <translation>나열할 이웃 수</translation>
    </message>
    <message>
        <source>a label or row number whose neighbours to list</source>
        <translation>이웃을 나열할 레이블이나 행 번호</translation>
    </message>
    <message>
        <source>vector arithmetic a - b + c over labels</source>
        <translation>레이블에 대한 벡터 연산 a - b + c</translation>
    </message>
    <message>
        <source>colour the points by</source>
        <translation>점을 칠할 기준</translation>
    </message>
    <message>
        <source>write the coordinates to this .npy or .csv file</source>
        <translation>좌표를 이 .npy나 .csv 파일에 쓰기</translation>
    </message>
    <message>
        <source>which figure</source>
        <translation>어느 그림</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>데이터</translation>
    </message>
    <message>
        <source>Fashion-MNIST pixels</source>
        <translation>Fashion-MNIST 픽셀</translation>
    </message>
    <message>
        <source>Matrix file (.npy, .safetensors, CSV)</source>
        <translation>행렬 파일 (.npy, .safetensors, CSV)</translation>
    </message>
    <message>
        <source>Token embeddings of a checkpoint</source>
        <translation>체크포인트의 토큰 임베딩</translation>
    </message>
    <message>
        <source>Position embeddings of a checkpoint</source>
        <translation>체크포인트의 위치 임베딩</translation>
    </message>
    <message>
        <source>Contextual embeddings (hidden states of a corpus)</source>
        <translation>문맥 임베딩 (말뭉치의 은닉 상태)</translation>
    </message>
    <message>
        <source>Sentence embeddings ([CLS] or mean)</source>
        <translation>문장 임베딩 ([CLS] 또는 평균)</translation>
    </message>
    <message>
        <source>ViT image embeddings of Fashion-MNIST</source>
        <translation>Fashion-MNIST의 ViT 이미지 임베딩</translation>
    </message>
    <message>
        <source>A weight of a training-run snapshot</source>
        <translation>학습 스냅숏의 가중치</translation>
    </message>
    <message>
        <source>What to project: every row of the matrix becomes one point</source>
        <translation>투영할 것: 행렬의 행마다 점 하나가 됩니다</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>원천</translation>
    </message>
    <message>
        <source>file or checkpoint / run folder</source>
        <translation>파일 또는 체크포인트 / 학습 폴더</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>찾아보기…</translation>
    </message>
    <message>
        <source>Path</source>
        <translation>경로</translation>
    </message>
    <message>
        <source>tensor name (safetensors / snapshot)</source>
        <translation>텐서 이름 (safetensors / 스냅숏)</translation>
    </message>
    <message>
        <source>Tensor</source>
        <translation>텐서</translation>
    </message>
    <message>
        <source>labels file: one per line (optional)</source>
        <translation>레이블 파일: 한 줄에 하나 (선택)</translation>
    </message>
    <message>
        <source>Labels</source>
        <translation>레이블</translation>
    </message>
    <message>
        <source>One sentence per line</source>
        <translation>한 줄에 한 문장</translation>
    </message>
    <message>
        <source>Corpus</source>
        <translation>말뭉치</translation>
    </message>
    <message>
        <source>last</source>
        <translation>마지막</translation>
    </message>
    <message>
        <source>Hidden state: 0 = the embeddings' output, -1 = the last layer</source>
        <translation>은닉 상태: 0 = 임베딩의 출력, -1 = 마지막 레이어</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>레이어</translation>
    </message>
    <message>
        <source>every token, or only this word (e.g. bank)</source>
        <translation>모든 토큰, 또는 이 단어만 (예: bank)</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>토큰</translation>
    </message>
    <message>
        <source>Pooling</source>
        <translation>풀링</translation>
    </message>
    <message>
        <source>How many Fashion-MNIST test images</source>
        <translation>Fashion-MNIST 테스트 이미지 수</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>이미지</translation>
    </message>
    <message>
        <source>Snapshot</source>
        <translation>스냅숏</translation>
    </message>
    <message>
        <source>Load</source>
        <translation>불러오기</translation>
    </message>
    <message>
        <source>Read the source (Ctrl+L)</source>
        <translation>원천 읽기 (Ctrl+L)</translation>
    </message>
    <message>
        <source>No data yet.</source>
        <translation>아직 데이터가 없습니다.</translation>
    </message>
    <message>
        <source>Layout</source>
        <translation>배치</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>방법</translation>
    </message>
    <message>
        <source>t-SNE: the effective number of neighbours (scikit-learn's perplexity)</source>
        <translation>t-SNE: 실질적인 이웃 수 (scikit-learn의 perplexity)</translation>
    </message>
    <message>
        <source>Perplexity</source>
        <translation>퍼플렉서티</translation>
    </message>
    <message>
        <source>UMAP: n_neighbors, the point itself included (umap-learn)</source>
        <translation>UMAP: n_neighbors, 점 자신 포함 (umap-learn)</translation>
    </message>
    <message>
        <source>Neighbours</source>
        <translation>이웃</translation>
    </message>
    <message>
        <source>UMAP: how tightly points may pack (min_dist)</source>
        <translation>UMAP: 점이 얼마나 빽빽이 모일 수 있는지 (min_dist)</translation>
    </message>
    <message>
        <source>Min dist</source>
        <translation>최소 거리</translation>
    </message>
    <message>
        <source>The distance t-SNE and UMAP find neighbours by</source>
        <translation>t-SNE와 UMAP가 이웃을 찾는 거리</translation>
    </message>
    <message>
        <source>Metric</source>
        <translation>거리</translation>
    </message>
    <message>
        <source>default</source>
        <translation>기본값</translation>
    </message>
    <message>
        <source>t-SNE iterations (default 1000) or UMAP epochs (default 500 up to 10,000 points, else 200)</source>
        <translation>t-SNE 반복 (기본 1000) 또는 UMAP 에폭 (점 10,000개까지 기본 500, 그 이상 200)</translation>
    </message>
    <message>
        <source>Iterations</source>
        <translation>반복</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>시드</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>실행</translation>
    </message>
    <message>
        <source>Lay the data out (Ctrl+Return); the layout updates while it optimises</source>
        <translation>데이터를 배치합니다 (Ctrl+Return). 최적화하는 동안 배치가 갱신됩니다</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>Stop the running job (Esc in the status bar cancels too)</source>
        <translation>실행 중인 작업을 멈춥니다 (상태 표시줄에서 Esc로도 취소)</translation>
    </message>
    <message>
        <source>Pin</source>
        <translation>고정</translation>
    </message>
    <message>
        <source>Keep this layout as the left side of the compare view; the next layout goes on the right</source>
        <translation>이 배치를 비교 보기의 왼쪽에 둡니다. 다음 배치는 오른쪽에 갑니다</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>저장…</translation>
    </message>
    <message>
        <source>Save the coordinates (N x 2, the input's row order) as .npy (float32) or .csv</source>
        <translation>좌표(N x 2, 입력의 행 순서)를 .npy (float32)나 .csv로 저장</translation>
    </message>
    <message>
        <source>Trustworthiness (Venna &amp; Kaski, scikit-learn's definition) and the share of each point's 10 nearest neighbours kept in the layout</source>
        <translation>신뢰도 (Venna &amp; Kaski, scikit-learn 정의)와 각 점의 가장 가까운 이웃 10개가 배치에서 유지된 비율</translation>
    </message>
    <message>
        <source>Explore</source>
        <translation>탐색</translation>
    </message>
    <message>
        <source>label</source>
        <translation>레이블</translation>
    </message>
    <message>
        <source>vector norm</source>
        <translation>벡터 크기</translation>
    </message>
    <message>
        <source>row order</source>
        <translation>행 순서</translation>
    </message>
    <message>
        <source>Colour the points by their label (category), the length of their vector, or their row number (position in the file, a token id, a position)</source>
        <translation>점을 레이블(범주), 벡터 길이, 또는 행 번호(파일 안 위치, 토큰 ID, 위치)로 칠합니다</translation>
    </message>
    <message>
        <source>Colour</source>
        <translation>색</translation>
    </message>
    <message>
        <source>find labels containing… (Ctrl+F)</source>
        <translation>…을 담은 레이블 찾기 (Ctrl+F)</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>찾기</translation>
    </message>
    <message>
        <source>Similarity for neighbours in the original space: cosine (direction, -1..1), Euclidean (straight-line distance), Manhattan (block distance), Pearson (correlation, -1..1)</source>
        <translation>원래 공간에서 이웃을 찾는 유사도: 코사인 (방향, -1..1), 유클리드 (직선 거리), 맨해튼 (블록 거리), 피어슨 (상관, -1..1)</translation>
    </message>
    <message>
        <source>Similarity</source>
        <translation>유사도</translation>
    </message>
    <message>
        <source>king - man + woman</source>
        <translation>king - man + woman</translation>
    </message>
    <message>
        <source>Vector arithmetic on labelled rows: a - b + c (unit vectors), nearest rows by the similarity</source>
        <translation>레이블 붙은 행의 벡터 연산: a - b + c (단위 벡터), 유사도로 가장 가까운 행</translation>
    </message>
    <message>
        <source>Arithmetic</source>
        <translation>벡터 연산</translation>
    </message>
    <message>
        <source>row</source>
        <translation>행</translation>
    </message>
    <message>
        <source>similarity</source>
        <translation>유사도</translation>
    </message>
    <message>
        <source>Load data and press Run: PCA, t-SNE or UMAP of every row, unsampled.</source>
        <translation>데이터를 불러오고 실행을 누르세요: 모든 행을 표본 없이 PCA, t-SNE, UMAP.</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>비교</translation>
    </message>
    <message>
        <source>Pin a layout (Pin for compare) to see it here</source>
        <translation>배치를 고정하면 (비교용 고정) 여기서 봅니다</translation>
    </message>
    <message>
        <source>then run another layer, checkpoint or method</source>
        <translation>그다음 다른 레이어, 체크포인트, 방법을 실행하세요</translation>
    </message>
    <message>
        <source>Variance</source>
        <translation>분산</translation>
    </message>
    <message>
        <source>explained variance (%)</source>
        <translation>설명된 분산 (%)</translation>
    </message>
    <message>
        <source>Checkpoint or run folder</source>
        <translation>체크포인트 또는 학습 폴더</translation>
    </message>
    <message>
        <source>Matrix</source>
        <translation>행렬</translation>
    </message>
    <message>
        <source>Matrices (*.npy *.safetensors *.csv *.tsv *.txt);;All files (*)</source>
        <translation>행렬 (*.npy *.safetensors *.csv *.tsv *.txt);;모든 파일 (*)</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>취소했습니다.</translation>
    </message>
    <message>
        <source>Save coordinates</source>
        <translation>좌표 저장</translation>
    </message>
    <message>
        <source>NumPy (*.npy);;CSV (*.csv)</source>
        <translation>NumPy (*.npy);;CSV (*.csv)</translation>
    </message>
    <message>
        <source>Saved %1.</source>
        <translation>%1에 저장했습니다.</translation>
    </message>
    <message>
        <source>Choose a file or folder for the source first.</source>
        <translation>먼저 원천 파일이나 폴더를 고르세요.</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>불러오는 중…</translation>
    </message>
    <message>
        <source>Projector: loading</source>
        <translation>프로젝터: 불러오는 중</translation>
    </message>
    <message>
        <source>%1 rows of %2 values loaded.</source>
        <translation>값 %2개짜리 행 %1개를 불러왔습니다.</translation>
    </message>
    <message>
        <source>%1 of %2 points…</source>
        <translation>점 %2개 중 %1개…</translation>
    </message>
    <message>
        <source>Projector: %1</source>
        <translation>프로젝터: %1</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%2 중 %1</translation>
    </message>
    <message>
        <source>%1 points laid out.</source>
        <translation>점 %1개를 배치했습니다.</translation>
    </message>
    <message>
        <source>Nothing to save yet: run a layout first.</source>
        <translation>아직 저장할 것이 없습니다: 먼저 배치를 실행하세요.</translation>
    </message>
    <message>
        <source>Pinned %1; run another layer, checkpoint or method to compare.</source>
        <translation>%1을(를) 고정했습니다. 비교하려면 다른 레이어, 체크포인트, 방법을 실행하세요.</translation>
    </message>
    <message numerus="yes">
        <source>%n point(s) match "%1".</source>
        <translation>
            <numerusform>점 %n개가 "%1"에 맞습니다.</numerusform></translation>
    </message>
    <message>
        <source>the mean of %1 selected points</source>
        <translation>고른 점 %1개의 평균</translation>
    </message>
    <message>
        <source>Nearest to %1 (%2)</source>
        <translation>%1에 가장 가까운 것 (%2)</translation>
    </message>
    <message>
        <source>Load data first.</source>
        <translation>먼저 데이터를 불러오세요.</translation>
    </message>
    <message>
        <source>%1 - %2 + %3 (%4)</source>
        <translation>%1 - %2 + %3 (%4)</translation>
    </message>
    <message>
        <source>Nearest to %1: %2</source>
        <translation>%1에 가장 가까운 것: %2</translation>
    </message>
    <message>
        <source>--source: the %1 source needs a file or folder</source>
        <translation>--source: %1 원천에는 파일이나 폴더가 필요합니다</translation>
    </message>
    <message>
        <source>--save: "%1" should end in .npy or .csv</source>
        <translation>--save: "%1"은(는) .npy나 .csv로 끝나야 합니다</translation>
    </message>
    <message>
        <source>--neighbours-of: "%1" is not a label of the data (nor a row number)</source>
        <translation>--neighbours-of: "%1"은(는) 데이터의 레이블도 행 번호도 아닙니다</translation>
    </message>
    <message>
        <source>--arithmetic: %1</source>
        <translation>--arithmetic: %1</translation>
    </message>
    <message>
        <source>--save: %1</source>
        <translation>--save: %1</translation>
    </message>
</context>
<context>
    <name>tessera::tokenizerlab::TokenizerLabPanel</name>
    <message>
        <source>Tokenizer lab</source>
        <translation>토크나이저 실험실</translation>
    </message>
    <message>
        <source>One text through several tokenizers: tokens, ids and the characters each covers (BERT, GPT-2, Llama 2 and 3, Unigram, your checkpoints)</source>
        <translation>한 문장을 여러 토크나이저로: 토큰, ID, 각 토큰이 덮는 글자 (BERT, GPT-2, Llama 2와 3, Unigram, 내 체크포인트)</translation>
    </message>
    <message>
        <source>The bundled tokenizers are missing (%1); add tokenizer files with Add…</source>
        <translation>함께 설치된 토크나이저가 없습니다 (%1). 추가… 버튼으로 토크나이저 파일을 넣으세요</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>문장</translation>
    </message>
    <message>
        <source>Any text, or one of the notes' examples: uncased BERT splits Hangul syllables into jamo, cased BERT gives [UNK], byte-level BPE falls back to bytes, Unigram keeps syllables.</source>
        <translation>아무 문장이나, 노트의 예문: uncased BERT는 한글 음절을 자모로 쪼개고, cased BERT는 [UNK]를 내고, 바이트 수준 BPE는 바이트로 내려가고, Unigram은 음절을 지킵니다.</translation>
    </message>
    <message>
        <source>Tokenizers</source>
        <translation>토크나이저</translation>
    </message>
    <message>
        <source>Checked tokenizers are compared. Loaded checkpoints appear here unchecked.</source>
        <translation>체크한 토크나이저를 비교합니다. 불러온 체크포인트는 체크되지 않은 채로 여기 나타납니다.</translation>
    </message>
    <message>
        <source>Add folder…</source>
        <translation>폴더 추가…</translation>
    </message>
    <message>
        <source>A checkpoint folder with tokenizer.json, vocab.txt or vocab.json + merges.txt</source>
        <translation>tokenizer.json, vocab.txt 또는 vocab.json + merges.txt가 있는 체크포인트 폴더</translation>
    </message>
    <message>
        <source>Add file…</source>
        <translation>파일 추가…</translation>
    </message>
    <message>
        <source>A tokenizer.json, vocab.txt or vocab.json (merges.txt beside it)</source>
        <translation>tokenizer.json, vocab.txt 또는 vocab.json (옆에 merges.txt)</translation>
    </message>
    <message>
        <source>Special tokens</source>
        <translation>특수 토큰</translation>
    </message>
    <message>
        <source>Add what each tokenizer's post-processor adds: [CLS] ... [SEP], &lt;s&gt;, &lt;/s&gt;</source>
        <translation>각 토크나이저의 후처리기가 붙이는 것을 더합니다: [CLS] ... [SEP], &lt;s&gt;, &lt;/s&gt;</translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation>토큰</translation>
    </message>
    <message>
        <source>Tokens per tokenizer</source>
        <translation>토크나이저별 토큰 수</translation>
    </message>
    <message>
        <source>tokens</source>
        <translation>토큰</translation>
    </message>
    <message>
        <source>Counts</source>
        <translation>개수</translation>
    </message>
    <message>
        <source>Add a tokenizer folder</source>
        <translation>토크나이저 폴더 추가</translation>
    </message>
    <message>
        <source>Add a tokenizer file</source>
        <translation>토크나이저 파일 추가</translation>
    </message>
    <message>
        <source>Tokenizers (tokenizer.json vocab.txt vocab.json);;All files (*)</source>
        <translation>토크나이저 (tokenizer.json vocab.txt vocab.json);;모든 파일 (*)</translation>
    </message>
    <message>
        <source>the text to tokenize</source>
        <translation>토큰화할 문장</translation>
    </message>
    <message>
        <source>a tokenizer to compare: a bundled name (BERT uncased, GPT-2, Llama 3, ...) or a folder or file; repeat it for several (default: every bundled one)</source>
        <translation>비교할 토크나이저: 함께 설치된 이름(BERT uncased, GPT-2, Llama 3, ...)이나 폴더 또는 파일. 여러 개는 반복해서 (기본값: 함께 설치된 전부)</translation>
    </message>
    <message>
        <source>add each tokenizer's special tokens ([CLS], &lt;s&gt;, ...)</source>
        <translation>각 토크나이저의 특수 토큰 붙이기 ([CLS], &lt;s&gt;, ...)</translation>
    </message>
    <message>
        <source>the view</source>
        <translation>보기</translation>
    </message>
    <message>
        <source>loaded in the studio</source>
        <translation>스튜디오에서 불러옴</translation>
    </message>
    <message>
        <source>Tokenizing</source>
        <translation>토큰화 중</translation>
    </message>
    <message>
        <source>“%1”</source>
        <translation>“%1”</translation>
    </message>
    <message>
        <source>Tokens per tokenizer: “%1”</source>
        <translation>토크나이저별 토큰 수: “%1”</translation>
    </message>
    <message>
        <source>Check a tokenizer in the list to see the text cut into tokens.</source>
        <translation>목록에서 토크나이저를 체크하면 문장이 토큰으로 잘린 모습을 봅니다.</translation>
    </message>
    <message numerus="yes">
        <source>%n characters; hover a token to see what it covers.</source>
        <translation>
            <numerusform>글자 %n개. 토큰 위에 마우스를 올리면 덮는 글자를 보여 줍니다.</numerusform></translation>
    </message>
    <message>
        <source>--tokenizer: "%1" is neither a listed tokenizer (%2) nor a folder or file with tokenizer.json, vocab.txt or vocab.json</source>
        <translation>--tokenizer: "%1"은(는) 목록의 토크나이저(%2)도, tokenizer.json, vocab.txt, vocab.json이 있는 폴더나 파일도 아닙니다</translation>
    </message>
    <message>
        <source>--text: give a text to tokenize</source>
        <translation>--text: 토큰화할 문장을 주세요</translation>
    </message>
</context>
<context>
    <name>tessera::training</name>
    <message>
        <source>Loss</source>
        <translation type="unfinished">손실</translation>
    </message>
    <message>
        <source>step</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>cross-entropy</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Accuracy</source>
        <translation type="unfinished">정확도</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Learning rate</source>
        <translation type="unfinished">학습률</translation>
    </message>
    <message>
        <source>learning rate</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Gradient norm per layer group (before clipping)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>‖g‖₂</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>training batch</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>held out</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Accuracy: none for this recipe (a denoiser is judged by its loss; open it in the Diffusion lab to see its samples)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>all parameters</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 · step %2 · layer %3 · %4</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>snapshot %1 of %2 · step %3 · held-out loss %4 · accuracy %5</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>snapshot %1 of %2 · step %3 (the untrained model)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>step %1 of %2 · loss %3</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source> · accuracy %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source> · %1 steps/s</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source> · held-out %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source> · held-out loss %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source> · cross-attention (target → source)</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>tessera::training::TrainingPanel</name>
    <message>
        <source>Training</source>
        <translation>학습</translation>
    </message>
    <message>
        <source>Train small transformers and watch their attention form, snapshot by snapshot</source>
        <translation>작은 트랜스포머를 학습시키며 어텐션이 생기는 모습을 스냅숏마다 봅니다</translation>
    </message>
    <message>
        <source>&amp;Recipe</source>
        <translation>레시피(&amp;R)</translation>
    </message>
    <message>
        <source>a UTF-8 text file</source>
        <translation>UTF-8 텍스트 파일</translation>
    </message>
    <message>
        <source>…</source>
        <translation>…</translation>
    </message>
    <message>
        <source>Choose the text file to train on</source>
        <translation>학습할 텍스트 파일 고르기</translation>
    </message>
    <message>
        <source>Text file</source>
        <translation>텍스트 파일</translation>
    </message>
    <message>
        <source>Where the run is written: the model in Hugging Face layout, checkpoints, snapshots, metrics.json. Empty: a new folder under ~/.local/share/tessera/runs</source>
        <translation>학습 결과를 쓸 곳: Hugging Face 형식의 모델, 체크포인트, 스냅숏, metrics.json. 비우면 ~/.local/share/tessera/runs 아래 새 폴더</translation>
    </message>
    <message>
        <source>new folder under runs/</source>
        <translation>runs/ 아래 새 폴더</translation>
    </message>
    <message>
        <source>&amp;Output folder</source>
        <translation>출력 폴더(&amp;O)</translation>
    </message>
    <message>
        <source>Optimisation steps</source>
        <translation>최적화 스텝 수</translation>
    </message>
    <message>
        <source>Examples per step</source>
        <translation>스텝당 예제 수</translation>
    </message>
    <message>
        <source>Peak learning rate of AdamW, reached after the warm-up (5% of the steps)</source>
        <translation>AdamW의 최대 학습률, 워밍업(스텝의 5%) 뒤에 도달</translation>
    </message>
    <message>
        <source>Decay after the warm-up</source>
        <translation>워밍업 뒤의 감소 방식</translation>
    </message>
    <message>
        <source>The same seed gives the same model, data and curve</source>
        <translation>같은 시드는 같은 모델, 데이터, 곡선을 줍니다</translation>
    </message>
    <message>
        <source>Transformer layers</source>
        <translation>트랜스포머 레이어 수</translation>
    </message>
    <message>
        <source>Hidden size (divisible by the number of heads)</source>
        <translation>은닉 크기 (헤드 수로 나누어떨어져야 함)</translation>
    </message>
    <message>
        <source>Attention heads per layer</source>
        <translation>레이어당 어텐션 헤드 수</translation>
    </message>
    <message>
        <source>Longest sequence (tasks), tokens per example (text), patch side (ViT)</source>
        <translation>가장 긴 시퀀스 (과제), 예제당 토큰 수 (텍스트), 패치 한 변 (ViT)</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>스텝</translation>
    </message>
    <message>
        <source>Batch</source>
        <translation>배치</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>학습률</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation>스케줄</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>시드</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>레이어</translation>
    </message>
    <message>
        <source>Hidden size</source>
        <translation>은닉 크기</translation>
    </message>
    <message>
        <source>Heads</source>
        <translation>헤드</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>길이</translation>
    </message>
    <message>
        <source>Overfit one batch</source>
        <translation>배치 하나에 과적합</translation>
    </message>
    <message>
        <source>The notes' sanity check: train on one batch only. The loss must fall towards zero; if it does not, the model or the data pipeline is broken</source>
        <translation>노트의 기본 점검: 배치 하나로만 학습합니다. 손실이 0 쪽으로 떨어져야 하며, 그렇지 않으면 모델이나 데이터 파이프라인이 고장 난 것입니다</translation>
    </message>
    <message>
        <source>Re-run this step in float64 and report how far float32 is from it (0: off)</source>
        <translation>이 스텝을 float64로 다시 돌려 float32와 얼마나 다른지 알립니다 (0: 끔)</translation>
    </message>
    <message>
        <source>off</source>
        <translation>끔</translation>
    </message>
    <message>
        <source>float64 check at step</source>
        <translation>float64 점검 스텝</translation>
    </message>
    <message>
        <source>&amp;Train</source>
        <translation>학습(&amp;T)</translation>
    </message>
    <message>
        <source>Start training (Ctrl+Return)</source>
        <translation>학습 시작 (Ctrl+Return)</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>취소(&amp;C)</translation>
    </message>
    <message>
        <source>Stop; a checkpoint is saved and the run can be resumed</source>
        <translation>멈춥니다. 체크포인트가 저장되어 이어서 학습할 수 있습니다</translation>
    </message>
    <message>
        <source>&amp;Resume…</source>
        <translation>이어서 학습(&amp;R)…</translation>
    </message>
    <message>
        <source>Continue a stopped run from its last checkpoint; the curve continues exactly</source>
        <translation>멈춘 학습을 마지막 체크포인트부터 잇습니다. 곡선이 그대로 이어집니다</translation>
    </message>
    <message>
        <source>&amp;Open run…</source>
        <translation>학습 결과 열기(&amp;O)…</translation>
    </message>
    <message>
        <source>Show the curves and snapshots of a run folder</source>
        <translation>학습 폴더의 곡선과 스냅숏을 보여 줍니다</translation>
    </message>
    <message>
        <source>Open in &amp;Attention</source>
        <translation>어텐션에서 열기(&amp;A)</translation>
    </message>
    <message>
        <source>Offer this run's model to the attention explorer and the other panels</source>
        <translation>이 학습의 모델을 어텐션 탐색기와 다른 패널에 넘깁니다</translation>
    </message>
    <message>
        <source>prompt for a GPT run</source>
        <translation>GPT 학습용 프롬프트</translation>
    </message>
    <message>
        <source>&amp;Sample</source>
        <translation>생성(&amp;S)</translation>
    </message>
    <message>
        <source>Continue the prompt with the run's GPT (200 tokens, temperature 0.8, top-k 40)</source>
        <translation>학습한 GPT로 프롬프트를 이어 씁니다 (토큰 200개, 온도 0.8, top-k 40)</translation>
    </message>
    <message>
        <source>sampled text</source>
        <translation>생성된 문장</translation>
    </message>
    <message>
        <source>Scrub the run's snapshots (Left/Right keys step through them)</source>
        <translation>학습의 스냅숏을 훑어봅니다 (왼쪽/오른쪽 키로 한 칸씩)</translation>
    </message>
    <message>
        <source>▶ Play</source>
        <translation>▶ 재생</translation>
    </message>
    <message>
        <source>Play the snapshots as an animation (Space)</source>
        <translation>스냅숏을 애니메이션으로 재생 (Space)</translation>
    </message>
    <message>
        <source>layer </source>
        <translation>레이어 </translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>손실</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>정확도</translation>
    </message>
    <message>
        <source>Gradients</source>
        <translation>그래디언트</translation>
    </message>
    <message>
        <source>Attention over training</source>
        <translation>학습 중 어텐션</translation>
    </message>
    <message>
        <source>Text to train on</source>
        <translation>학습할 텍스트</translation>
    </message>
    <message>
        <source>Text (*.txt *.md);;All files (*)</source>
        <translation>텍스트 (*.txt *.md);;모든 파일 (*)</translation>
    </message>
    <message>
        <source>Run to resume</source>
        <translation>이어서 학습할 결과</translation>
    </message>
    <message>
        <source>Open a training run</source>
        <translation>학습 결과 열기</translation>
    </message>
    <message>
        <source>%1 is offered to the other panels (the Diffusion lab, Alt+6, opens it)</source>
        <translation>%1을(를) 다른 패널에 넘겼습니다 (디퓨전 실험실 Alt+6에서 열립니다)</translation>
    </message>
    <message>
        <source>%1 is offered to the other panels (the DETR lens, Alt+7, opens it)</source>
        <translation>%1을(를) 다른 패널에 넘겼습니다 (DETR 렌즈 Alt+7에서 열립니다)</translation>
    </message>
    <message>
        <source>%1 is offered to the other panels (the ViT lens, Alt+5, opens it)</source>
        <translation>%1을(를) 다른 패널에 넘겼습니다 (ViT 렌즈 Alt+5에서 열립니다)</translation>
    </message>
    <message>
        <source>%1 is offered to the other panels (Attention: choose it in the model list)</source>
        <translation>%1을(를) 다른 패널에 넘겼습니다 (어텐션: 모델 목록에서 고르세요)</translation>
    </message>
    <message>
        <source>❚❚ Pause</source>
        <translation>❚❚ 일시 정지</translation>
    </message>
    <message>
        <source>Patch side</source>
        <translation>패치 한 변</translation>
    </message>
    <message>
        <source>Object queries</source>
        <translation>객체 쿼리</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>문맥 길이</translation>
    </message>
    <message>
        <source>Longest sequence</source>
        <translation>가장 긴 시퀀스</translation>
    </message>
    <message>
        <source>Layers per block</source>
        <translation>블록당 레이어</translation>
    </message>
    <message>
        <source>Residual blocks</source>
        <translation>잔차 블록</translation>
    </message>
    <message>
        <source>Base channels</source>
        <translation>기본 채널</translation>
    </message>
    <message>
        <source>ResNet layers in each of the UNet's down blocks (the up blocks have one more)</source>
        <translation>UNet 다운 블록마다의 ResNet 레이어 수 (업 블록은 하나 더)</translation>
    </message>
    <message>
        <source>Residual MLP blocks of the denoiser</source>
        <translation>잡음 제거기의 잔차 MLP 블록 수</translation>
    </message>
    <message>
        <source>Channels of the first resolution; the next two have twice as many (a multiple of 8)</source>
        <translation>첫 해상도의 채널 수. 다음 두 해상도는 두 배씩 (8의 배수)</translation>
    </message>
    <message>
        <source>Width of the denoiser's MLP</source>
        <translation>잡음 제거기 MLP의 폭</translation>
    </message>
    <message>
        <source>Open in &amp;Diffusion lab</source>
        <translation>디퓨전 실험실에서 열기(&amp;D)</translation>
    </message>
    <message>
        <source>Open in &amp;DETR lens</source>
        <translation>DETR 렌즈에서 열기(&amp;D)</translation>
    </message>
    <message>
        <source>resuming %1…</source>
        <translation>%1 이어서 학습 중…</translation>
    </message>
    <message>
        <source>training %1 into %2…</source>
        <translation>%1을(를) %2에 학습 중…</translation>
    </message>
    <message>
        <source>Training %1</source>
        <translation>%1 학습</translation>
    </message>
    <message>
        <source>cancelled; the last checkpoint is in %1 (Resume continues it)</source>
        <translation>취소됨. 마지막 체크포인트는 %1에 있습니다 (이어서 학습으로 계속)</translation>
    </message>
    <message>
        <source>mean of heads</source>
        <translation>헤드 평균</translation>
    </message>
    <message>
        <source>head %1</source>
        <translation>헤드 %1</translation>
    </message>
    <message>
        <source>%1 (training, step %2)</source>
        <translation>%1 (학습 중, 스텝 %2)</translation>
    </message>
    <message>
        <source>%1: step %2 of %3</source>
        <translation>%1: %3스텝 중 %2</translation>
    </message>
    <message>
        <source>Sampling</source>
        <translation>생성 중</translation>
    </message>
    <message>
        <source>a training run folder to show (its curves and snapshots)</source>
        <translation>보여 줄 학습 폴더 (곡선과 스냅숏)</translation>
    </message>
    <message>
        <source>the recipe of a new run</source>
        <translation>새 학습의 레시피</translation>
    </message>
    <message>
        <source>a recipe</source>
        <translation>레시피</translation>
    </message>
    <message>
        <source>the snapshot shown: its step, or 'last'</source>
        <translation>보여 줄 스냅숏: 스텝 번호 또는 'last'</translation>
    </message>
    <message>
        <source>layer of the snapshot's attention</source>
        <translation>스냅숏 어텐션의 레이어</translation>
    </message>
    <message>
        <source>head of the snapshot's attention: a number or mean</source>
        <translation>스냅숏 어텐션의 헤드: 번호 또는 mean</translation>
    </message>
    <message>
        <source>the figure shown and exported</source>
        <translation>보여 주고 내보낼 그림</translation>
    </message>
    <message>
        <source>--layer: "%1" is not a layer of this run (0 to %2)</source>
        <translation>--layer: "%1"은(는) 이 학습의 레이어가 아닙니다 (0부터 %2까지)</translation>
    </message>
    <message>
        <source>--head: "%1" is not mean or a head of this run (0 to %2)</source>
        <translation>--head: "%1"은(는) mean도 이 학습의 헤드도 아닙니다 (0부터 %2까지)</translation>
    </message>
    <message>
        <source>--snapshot: no snapshot at step "%1" (steps: %2)</source>
        <translation>--snapshot: 스텝 "%1"의 스냅숏이 없습니다 (스텝: %2)</translation>
    </message>
    <message>
        <source>the timeline needs a run with snapshots (--run DIR)</source>
        <translation>타임라인에는 스냅숏이 있는 학습이 필요합니다 (--run DIR)</translation>
    </message>
</context>
<context>
    <name>tessera::vitlens</name>
    <message>
        <source>[CLS]</source>
        <translation type="unfinished">[CLS]</translation>
    </message>
    <message>
        <source>patch (%1, %2)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>cosine similarity</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Position embedding similarity of %1: tile (row, column) compares that patch with every patch</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>PC %1 · %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Patch-embedding filters of %1: the first %2 principal components of %3 filters (%4×%4×%5)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>as read: %1×%2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>resized to %1×%2 (bilinear), grid %3×%3</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1×%2 as the model expects, grid %3×%3</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>×%1, (x − %2) / %3: values in [%4, %5]</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 patches of %2×%2×%3 = %4 values, read row by row</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>attention weight</source>
        <translation type="unfinished">어텐션 가중치</translation>
    </message>
    <message>
        <source>Layer %1, %2: where %3 attends · [CLS] receives %4</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>mean of %1 heads</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>head %1</source>
        <translation type="unfinished">헤드 %1</translation>
    </message>
    <message>
        <source>head %1 · [CLS] %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Layer %1, every head: where %2 attends</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>share of the maximum</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Attention rollout of [CLS] through %1 layers (head fusion %2, discard %3)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Mean attention distance (%1) per head, %2%3</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>renormalized</source>
        <translation type="unfinished">다시 정규화</translation>
    </message>
    <message>
        <source>raw</source>
        <translation type="unfinished">그대로</translation>
    </message>
    <message>
        <source>, bars ± 1 s.d. over images</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Predicted: &lt;b&gt;%1&lt;/b&gt;</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the distillation token</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>tessera::vitlens::VitPanel</name>
    <message>
        <source>ViT lens</source>
        <translation>ViT 렌즈</translation>
    </message>
    <message>
        <source>A vision transformer on real images: patches, attention on the image, rollout, mean attention distance, position embeddings and filters</source>
        <translation>실제 이미지 위의 비전 트랜스포머: 패치, 이미지 위 어텐션, 롤아웃, 평균 어텐션 거리, 위치 임베딩과 필터</translation>
    </message>
    <message>
        <source>No model. Open a ViT checkpoint folder or a run trained in the Training panel.</source>
        <translation>모델이 없습니다. ViT 체크포인트 폴더나 학습 패널에서 학습한 결과를 여세요.</translation>
    </message>
    <message>
        <source>A folder with config.json and model.safetensors (ViTForImageClassification or ViTModel), or a training run folder (its snapshots can then be scrubbed)</source>
        <translation>config.json과 model.safetensors가 있는 폴더 (ViTForImageClassification 또는 ViTModel), 또는 학습 폴더 (그러면 스냅숏을 훑어볼 수 있습니다)</translation>
    </message>
    <message>
        <source>Open a ViT checkpoint or training run</source>
        <translation>ViT 체크포인트나 학습 결과 열기</translation>
    </message>
    <message>
        <source>Scrub the training run's snapshots: every view shows the model as it was at that step (Left / Right, Page Up / Page Down)</source>
        <translation>학습의 스냅숏을 훑어봅니다: 모든 보기가 그 스텝의 모델을 보여 줍니다 (왼쪽 / 오른쪽, Page Up / Page Down)</translation>
    </message>
    <message>
        <source>Attention</source>
        <translation>어텐션</translation>
    </message>
    <message>
        <source>Encoder layer (0 = first)</source>
        <translation>인코더 레이어 (0 = 첫째)</translation>
    </message>
    <message>
        <source>&amp;Layer</source>
        <translation>레이어(&amp;L)</translation>
    </message>
    <message>
        <source>One head, or the mean over the layer's heads</source>
        <translation>헤드 하나, 또는 그 레이어 헤드들의 평균</translation>
    </message>
    <message>
        <source>&amp;Head</source>
        <translation>헤드(&amp;H)</translation>
    </message>
    <message>
        <source>[CLS]</source>
        <translation>[CLS]</translation>
    </message>
    <message>
        <source>Show where [CLS] attends; click a patch on the image to use that patch as the query</source>
        <translation>[CLS]가 어디에 어텐션하는지 보여 줍니다. 이미지의 패치를 클릭하면 그 패치가 쿼리가 됩니다</translation>
    </message>
    <message>
        <source>Query</source>
        <translation>쿼리</translation>
    </message>
    <message>
        <source>Colour map of the overlays</source>
        <translation>겹쳐 그리기의 색상표</translation>
    </message>
    <message>
        <source>Colour map</source>
        <translation>색상표</translation>
    </message>
    <message>
        <source>Opacity of the attention overlay over the image</source>
        <translation>이미지 위 어텐션 겹침의 불투명도</translation>
    </message>
    <message>
        <source>Opacity</source>
        <translation>불투명도</translation>
    </message>
    <message>
        <source>How a layer's heads are fused before rolling out (mean: Abnar &amp; Zuidema; min and max as vit-explain)</source>
        <translation>롤아웃 전에 레이어의 헤드를 합치는 방법 (mean: Abnar &amp; Zuidema, min과 max: vit-explain 방식)</translation>
    </message>
    <message>
        <source>Head fusion</source>
        <translation>헤드 합치기</translation>
    </message>
    <message>
        <source>Fraction of each fused layer's smallest weights set to zero before rolling out (vit-explain suggests 0.9 with max fusion)</source>
        <translation>롤아웃 전에 합친 레이어마다 가장 작은 가중치를 0으로 만드는 비율 (vit-explain은 max 합치기에 0.9를 권합니다)</translation>
    </message>
    <message>
        <source>Discard ratio</source>
        <translation>버리는 비율</translation>
    </message>
    <message>
        <source>Mean attention distance</source>
        <translation>평균 어텐션 거리</translation>
    </message>
    <message>
        <source>raw</source>
        <translation>그대로</translation>
    </message>
    <message>
        <source>renormalized</source>
        <translation>다시 정규화</translation>
    </message>
    <message>
        <source>raw (default): patch-to-patch weights as they are, the mass on [CLS] counting as no distance travelled; renormalized: each query's patch weights rescaled to sum to 1</source>
        <translation>그대로 (기본값): 패치 사이 가중치를 그대로, [CLS]에 간 몫은 이동 거리 0으로. 다시 정규화: 쿼리마다 패치 가중치의 합이 1이 되게 맞춤</translation>
    </message>
    <message>
        <source>Convention</source>
        <translation>규약</translation>
    </message>
    <message>
        <source>Fashion-MNIST test split</source>
        <translation>Fashion-MNIST 테스트 세트</translation>
    </message>
    <message>
        <source>A folder…</source>
        <translation>폴더…</translation>
    </message>
    <message>
        <source>The images to average over (the first N)</source>
        <translation>평균을 낼 이미지 (앞에서부터 N개)</translation>
    </message>
    <message>
        <source>A folder of images</source>
        <translation>이미지 폴더</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>이미지</translation>
    </message>
    <message>
        <source>How many images of the set (the first ones)</source>
        <translation>세트에서 쓸 이미지 수 (앞에서부터)</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>개수</translation>
    </message>
    <message>
        <source>Measure</source>
        <translation>측정</translation>
    </message>
    <message>
        <source>Run the model on the image set and average each head's mean attention distance (a job; progress in the status bar)</source>
        <translation>이미지 세트에 모델을 돌려 헤드마다 평균 어텐션 거리를 냅니다 (작업. 진행은 상태 표시줄에)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>Open a ViT model and an image (Open image…, drop a file, Ctrl+V or a dataset sample)</source>
        <translation>ViT 모델과 이미지를 여세요 (이미지 열기…, 파일 끌어다 놓기, Ctrl+V, 또는 데이터셋 표본)</translation>
    </message>
    <message>
        <source>Patches</source>
        <translation>패치</translation>
    </message>
    <message>
        <source>All heads</source>
        <translation>모든 헤드</translation>
    </message>
    <message>
        <source>Rollout</source>
        <translation>롤아웃</translation>
    </message>
    <message>
        <source>Distance</source>
        <translation>거리</translation>
    </message>
    <message>
        <source>Positions</source>
        <translation>위치</translation>
    </message>
    <message>
        <source>Open a ViT model to see its position embeddings</source>
        <translation>ViT 모델을 열면 위치 임베딩을 봅니다</translation>
    </message>
    <message>
        <source>Filters</source>
        <translation>필터</translation>
    </message>
    <message>
        <source>Open a ViT model to see its patch-embedding filters</source>
        <translation>ViT 모델을 열면 패치 임베딩 필터를 봅니다</translation>
    </message>
    <message>
        <source>layer (network depth)</source>
        <translation>레이어 (네트워크 깊이)</translation>
    </message>
    <message>
        <source>mean attention distance (pixels)</source>
        <translation>평균 어텐션 거리 (픽셀)</translation>
    </message>
    <message>
        <source>Click a patch to see where it attends</source>
        <translation>패치를 클릭하면 어디에 어텐션하는지 봅니다</translation>
    </message>
    <message>
        <source>a ViT checkpoint folder or a training run folder</source>
        <translation>ViT 체크포인트 폴더나 학습 폴더</translation>
    </message>
    <message>
        <source>a snapshot step of a training run, or last</source>
        <translation>학습 스냅숏의 스텝, 또는 last</translation>
    </message>
    <message>
        <source>an image file (PNG, JPEG, BMP, TIFF, WebP)</source>
        <translation>이미지 파일 (PNG, JPEG, BMP, TIFF, WebP)</translation>
    </message>
    <message>
        <source>a Fashion-MNIST test image by index, instead of --image</source>
        <translation>--image 대신 번호로 고르는 Fashion-MNIST 테스트 이미지</translation>
    </message>
    <message>
        <source>encoder layer</source>
        <translation>인코더 레이어</translation>
    </message>
    <message>
        <source>head, or mean</source>
        <translation>헤드, 또는 mean</translation>
    </message>
    <message>
        <source>rollout head fusion</source>
        <translation>롤아웃 헤드 합치기</translation>
    </message>
    <message>
        <source>rollout discard ratio</source>
        <translation>롤아웃 버리는 비율</translation>
    </message>
    <message>
        <source>a ratio in [0, 0.99]</source>
        <translation>[0, 0.99] 범위의 비율</translation>
    </message>
    <message>
        <source>overlay colour map</source>
        <translation>겹침 색상표</translation>
    </message>
    <message>
        <source>overlay opacity</source>
        <translation>겹침 불투명도</translation>
    </message>
    <message>
        <source>image set for the distance: fashion-mnist-test or a folder (measured when given)</source>
        <translation>거리를 잴 이미지 세트: fashion-mnist-test 또는 폴더 (주면 측정)</translation>
    </message>
    <message>
        <source>how many images of the set</source>
        <translation>세트에서 쓸 이미지 수</translation>
    </message>
    <message>
        <source>a number of images from 1 to 100000</source>
        <translation>1부터 100000까지의 이미지 수</translation>
    </message>
    <message>
        <source>mean attention distance convention</source>
        <translation>평균 어텐션 거리 규약</translation>
    </message>
    <message>
        <source>the view</source>
        <translation>보기</translation>
    </message>
    <message>
        <source> at step %1</source>
        <translation> (스텝 %1)</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>%1 불러오는 중…</translation>
    </message>
    <message>
        <source>Loading %1</source>
        <translation>%1 불러오는 중</translation>
    </message>
    <message>
        <source>the open model is not a training run with weight snapshots</source>
        <translation>열린 모델은 가중치 스냅숏이 있는 학습 결과가 아닙니다</translation>
    </message>
    <message>
        <source>Snapshot at step %1</source>
        <translation>스텝 %1의 스냅숏</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; · %2 layers × %3 heads · hidden %4&lt;br&gt;%5</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; · 레이어 %2개 × 헤드 %3개 · 은닉 %4&lt;br&gt;%5</translation>
    </message>
    <message>
        <source> · held-out accuracy %1</source>
        <translation> · 검증 정확도 %1</translation>
    </message>
    <message>
        <source>mean of heads</source>
        <translation>헤드 평균</translation>
    </message>
    <message>
        <source>head %1</source>
        <translation>헤드 %1</translation>
    </message>
    <message>
        <source>Snapshot at step %1 loaded</source>
        <translation>스텝 %1의 스냅숏을 불러왔습니다</translation>
    </message>
    <message>
        <source>Loaded %1</source>
        <translation>%1을(를) 불러왔습니다</translation>
    </message>
    <message>
        <source>the image is empty</source>
        <translation>이미지가 비어 있습니다</translation>
    </message>
    <message>
        <source>%1 · %2×%3 %4</source>
        <translation>%1 · %2×%3 %4</translation>
    </message>
    <message>
        <source>grey</source>
        <translation>흑백</translation>
    </message>
    <message>
        <source>RGB</source>
        <translation>RGB</translation>
    </message>
    <message>
        <source>ViT lens: %1</source>
        <translation>ViT 렌즈: %1</translation>
    </message>
    <message>
        <source>open a ViT model first</source>
        <translation>먼저 ViT 모델을 여세요</translation>
    </message>
    <message>
        <source>%1 Fashion-MNIST test images</source>
        <translation>Fashion-MNIST 테스트 이미지 %1개</translation>
    </message>
    <message>
        <source>%1 holds no images (png, jpg, jpeg, bmp, tif, tiff, webp)</source>
        <translation>%1에 이미지(png, jpg, jpeg, bmp, tif, tiff, webp)가 없습니다</translation>
    </message>
    <message>
        <source>%1 images of %2</source>
        <translation>%2의 이미지 %1개</translation>
    </message>
    <message>
        <source>Measuring over %1…</source>
        <translation>%1에 걸쳐 측정 중…</translation>
    </message>
    <message>
        <source>Mean attention distance over %1</source>
        <translation>%1에 걸친 평균 어텐션 거리</translation>
    </message>
    <message>
        <source>Mean attention distance measured over %1</source>
        <translation>%1에 걸쳐 잰 평균 어텐션 거리</translation>
    </message>
    <message>
        <source>Measurement cancelled</source>
        <translation>측정 취소됨</translation>
    </message>
    <message>
        <source>this image</source>
        <translation>이 이미지</translation>
    </message>
    <message>
        <source>give --image or --sample, not both</source>
        <translation>--image나 --sample 중 하나만 주세요</translation>
    </message>
    <message>
        <source>--snapshot needs a training run whose snapshots keep their weights (a ViT trained in the Training panel)</source>
        <translation>--snapshot에는 스냅숏이 가중치를 지닌 학습 결과가 필요합니다 (학습 패널에서 학습한 ViT)</translation>
    </message>
    <message>
        <source>--snapshot: no snapshot at step "%1" (steps: %2)</source>
        <translation>--snapshot: 스텝 "%1"의 스냅숏이 없습니다 (스텝: %2)</translation>
    </message>
    <message>
        <source>--sample: "%1" is not an index</source>
        <translation>--sample: "%1"은(는) 번호가 아닙니다</translation>
    </message>
    <message>
        <source>--layer, --head and --query need a model (--model DIR)</source>
        <translation>--layer, --head, --query에는 모델이 필요합니다 (--model DIR)</translation>
    </message>
    <message>
        <source>--images needs a model (--model DIR)</source>
        <translation>--images에는 모델이 필요합니다 (--model DIR)</translation>
    </message>
    <message>
        <source>the ViT lens needs a model: --model DIR (a ViT checkpoint or a training run)</source>
        <translation>ViT 렌즈에는 모델이 필요합니다: --model DIR (ViT 체크포인트 또는 학습 결과)</translation>
    </message>
    <message>
        <source>the %1 view needs an image: --image FILE or --sample N</source>
        <translation>%1 보기에는 이미지가 필요합니다: --image FILE 또는 --sample N</translation>
    </message>
    <message>
        <source>--layer: "%1" is not a layer of this model (0 to %2)</source>
        <translation>--layer: "%1"은(는) 이 모델의 레이어가 아닙니다 (0부터 %2까지)</translation>
    </message>
    <message>
        <source>--head: "%1" is not mean or a head of this model (0 to %2)</source>
        <translation>--head: "%1"은(는) mean도 이 모델의 헤드도 아닙니다 (0부터 %2까지)</translation>
    </message>
    <message>
        <source>--query: "%1" is not cls or ROW,COLUMN of the %2×%2 patch grid</source>
        <translation>--query: "%1"은(는) cls도, %2×%2 패치 격자의 행,열도 아닙니다</translation>
    </message>
    <message>
        <source>--images: "%1" is not %2 or a folder of images</source>
        <translation>--images: "%1"은(는) %2도 이미지 폴더도 아닙니다</translation>
    </message>
    <message>
        <source>cls, distillation (DeiT), or a patch as ROW,COLUMN</source>
        <translation>cls, distillation (DeiT), 또는 행,열로 쓴 패치</translation>
    </message>
</context>
<context>
    <name>tessera::widgets::AttentionGridView</name>
    <message>
        <source>Every layer (row) and head (column). Click a head to open it.</source>
        <translation>모든 레이어(행)와 헤드(열). 헤드를 클릭하면 엽니다.</translation>
    </message>
    <message>
        <source>Drawing every layer and head…</source>
        <translation>모든 레이어와 헤드를 그리는 중…</translation>
    </message>
    <message>
        <source>Run a model to see every layer and head</source>
        <translation>모델을 실행하면 모든 레이어와 헤드를 봅니다</translation>
    </message>
</context>
<context>
    <name>tessera::widgets::BoxImageView</name>
    <message>
        <source>x %1, y %2</source>
        <translation>x %1, y %2</translation>
    </message>
</context>
<context>
    <name>tessera::widgets::HeatmapView</name>
    <message>
        <source>row</source>
        <translation>행</translation>
    </message>
    <message>
        <source>column</source>
        <translation>열</translation>
    </message>
</context>
<context>
    <name>tessera::widgets::ImageGridView</name>
    <message>
        <source>row %1, column %2</source>
        <translation>%1행, %2열</translation>
    </message>
</context>
<context>
    <name>tessera::widgets::LinePlotView</name>
    <message>
        <source>series %1</source>
        <translation>계열 %1</translation>
    </message>
</context>
<context>
    <name>tessera::widgets::PanelWidget</name>
    <message>
        <source>cannot open files</source>
        <translation>파일을 열 수 없습니다</translation>
    </message>
</context>
<context>
    <name>tessera::widgets::PlotFigure</name>
    <message>
        <source>Hover over the plot to read exact values; drag to pan, wheel to zoom, double-click to reset the view.</source>
        <translation>그래프 위에 마우스를 올리면 정확한 값을 읽습니다. 끌면 이동, 휠은 확대/축소, 두 번 클릭하면 원래대로.</translation>
    </message>
</context>
<context>
    <name>tessera::widgets::ScatterView</name>
    <message>
        <source>Drag: pan (or the selection tool chosen)
Shift+drag: select with a box · Ctrl+drag or Alt+drag: select with a lasso
Wheel or +/-: zoom · double-click or Home: fit all points
Click a point to pick it; click empty space or press Esc to clear the selection</source>
        <translation>끌기: 이동 (또는 고른 선택 도구)
Shift+끌기: 상자로 선택 · Ctrl+끌기 또는 Alt+끌기: 올가미로 선택
휠 또는 +/-: 확대/축소 · 두 번 클릭 또는 Home: 모든 점 맞추기
점을 클릭하면 고르고, 빈 곳을 클릭하거나 Esc를 누르면 선택을 지웁니다</translation>
    </message>
    <message>
        <source>+ %1 more</source>
        <translation>+ %1개 더</translation>
    </message>
    <message>
        <source>value</source>
        <translation>값</translation>
    </message>
</context>
<context>
    <name>tessera::widgets::TokenLinkView</name>
    <message>
        <source>Hover a token on the left to see where it attends; click to keep it; click again to show all.</source>
        <translation>왼쪽 토큰 위에 마우스를 올리면 어디에 어텐션하는지 봅니다. 클릭하면 고정, 다시 클릭하면 전부 보입니다.</translation>
    </message>
    <message>
        <source>Run a model to see its attention links</source>
        <translation>모델을 실행하면 어텐션 연결을 봅니다</translation>
    </message>
</context>
<context>
    <name>tessera::widgets::TokenRowsView</name>
    <message>
        <source>Hover a token to see the characters it covers, in the text and in every other tokenizer. Grey: special tokens; red: unknown; orange outline: part of one character (its bytes, or a jamo of a syllable).</source>
        <translation>토큰 위에 마우스를 올리면 그 토큰이 덮는 글자를 문장과 다른 모든 토크나이저에서 보여 줍니다. 회색: 특수 토큰, 빨강: 모르는 토큰, 주황 테두리: 한 글자의 일부 (바이트, 또는 음절의 자모).</translation>
    </message>
    <message>
        <source>Type a text and choose tokenizers</source>
        <translation>문장을 쓰고 토크나이저를 고르세요</translation>
    </message>
    <message numerus="yes">
        <source>%n tokens</source>
        <translation>
            <numerusform>토큰 %n개</numerusform></translation>
    </message>
    <message>
        <source>%1, token %2: "%3" id %4, characters %5-%6 "%7"</source>
        <translation>%1, 토큰 %2: "%3" ID %4, 글자 %5-%6 "%7"</translation>
    </message>
</context>
<context>
    <name>widgets</name>
    <message>
        <source>key</source>
        <translation type="unfinished">키</translation>
    </message>
    <message>
        <source>query</source>
        <translation type="unfinished">쿼리</translation>
    </message>
    <message>
        <source>weight</source>
        <translation type="unfinished">가중치</translation>
    </message>
</context>
</TS>