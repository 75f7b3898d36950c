<?php
$string['pluginname'] = 'Manual accounts';
