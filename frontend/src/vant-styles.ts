/**
 * The stylesheets of the Vant components we use (each pulls in the base styles and those of
 * the components it contains). Far smaller than all of Vant's CSS; add a line when a view
 * starts using another Vant component.
 */
import 'vant/es/badge/style/index'
import 'vant/es/button/style/index'
import 'vant/es/cell/style/index'
import 'vant/es/cell-group/style/index'
import 'vant/es/dialog/style/index'
import 'vant/es/empty/style/index'
import 'vant/es/icon/style/index'
import 'vant/es/image-preview/style/index'
import 'vant/es/list/style/index'
import 'vant/es/loading/style/index'
import 'vant/es/pull-refresh/style/index'
import 'vant/es/search/style/index'
import 'vant/es/tab/style/index'
import 'vant/es/tabs/style/index'
import 'vant/es/tabbar/style/index'
import 'vant/es/tabbar-item/style/index'
import 'vant/es/tag/style/index'
import 'vant/es/toast/style/index'
import 'vant/es/uploader/style/index'
import 'vant/es/popup/style/index'
